#include "services/ingestion/formats/rules.h"

#include <algorithm>
#include <charconv>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/json.h"
#include "services/ingestion/validation/model.h"

namespace carestat {
namespace {

constexpr RuleSeverity E = RuleSeverity::kError;
constexpr RuleSeverity Q = RuleSeverity::kQuery;
constexpr RuleSeverity EQ = RuleSeverity::kErrorOrQuery;

// Collection years: 2025 is 2024-25 (the year the return ends).
//
// DfE rules: the message is DfE's wording as published in its validation rules for the
// CIN census and the SSDA903 (facts taken from Data to Insight's validators, which carry
// DfE's codes, messages and fields). Where a rule's text changed, one entry per span of
// years. Source of each "DfE" entry: DfE's CIN census / SSDA903 validation rules.
const std::vector<RuleInfo>& StaticTable() {
  static const std::vector<RuleInfo> kRules = {
      // ---- CIN census (DfE) ----
      {"100", "cin", E, "Reference Date is incorrect", "ReferenceDate, Year", 0, 0,
       "<ReferenceDate>2025-03-30</ReferenceDate> in the 2024-25 census, or a ReferenceDate in a Year other than <Year>",
       "DfE"},
      {"1103", "cin", E, "The assessment start date cannot be before the referral date",
       "AssessmentActualStartDate, CINreferralDate", 0, 0,
       "CINreferralDate 2024-06-10 and AssessmentActualStartDate 2024-06-09 in the same CINdetails", "DfE"},
      {"1104", "cin", E, "The date of the initial child protection conference cannot be before the referral date",
       "CINreferralDate, DateOfInitialCPC", 0, 0,
       "CINreferralDate 2024-06-10 and DateOfInitialCPC 2024-06-09 in the same CINdetails", "DfE"},
      {"1105", "cin", E, "The child protection plan start date cannot be before the referral date",
       "CPPstartDate, CINreferralDate", 0, 0,
       "CINreferralDate 2024-06-10 and CPPstartDate 2024-06-09 in the same CINdetails", "DfE"},
      {"1510", "cin", E, "UPN invalid (wrong check letter at character 1)", "UPN", 0, 0,
       "a 13-character UPN whose first letter is not the check letter of characters 2 to 13", "DfE"},
      {"1530", "cin", E, "UPN invalid (characters 2-4 not a recognised LA code)", "UPN", 0, 0,
       "a UPN whose characters 2 to 4 are 999, not one of DfE's LA codes", "DfE"},
      {"1540", "cin", E, "UPN invalid (characters 5-12 not all numeric)", "UPN", 0, 0,
       "a UPN with a letter among characters 5 to 12", "DfE"},
      {"1550", "cin", E, "UPN invalid (character 13 not a recognised value)", "UPN", 0, 0,
       "a UPN whose 13th character is I, O or S (not a digit or a permitted letter)", "DfE"},
      {"2885", "cin", E,
       "Child protection plan shown as starting a different day to the initial child protection conference.",
       "CPPstartDate, DateOfInitialCPC", 0, 0,
       "a section 47 with DateOfInitialCPC 2024-07-01 and the plan that follows it starting 2024-07-02", "DfE"},
      {"4180", "cin", E, "Gender is missing", "GenderCurrent", 0, 2024,
       "GenderCurrent blank, or a value other than 0, 1, 2 or 9, in the 2023-24 census", "DfE"},
      {"4180", "cin", E, "Sex must be provided and equal M, F, or U", "Sex", 2025, 0,
       "Sex blank, 'X' or a lower-case 'm' in the 2024-25 census", "DfE"},
      {"4220", "cin", E, "Ethnicity is missing or invalid (see Ethnicity table)", "Ethnicity", 0, 0,
       "Ethnicity 'WXYZ' (not a code of DfE's ethnicity table)", "DfE"},
      {"8500", "cin", E, "LA Child ID missing", "LAchildID", 0, 0, "a Child whose LAchildID is blank", "DfE"},
      {"8510", "cin", E, "More than one child record with the same LA Child ID", "LAchildID", 0, 0,
       "two Child elements in one census with the same LAchildID", "DfE"},
      {"8520", "cin", E,
       "Date of Birth is after data collection period (must be on or before the end of the census period)",
       "PersonBirthDate, ReferenceDate", 0, 0, "a PersonBirthDate the day after the census ReferenceDate", "DfE"},
      {"8600", "cin", E, "Child referral date missing or after data collection period", "CINreferralDate", 0, 0,
       "a CINdetails with no CINreferralDate, or one the day after the ReferenceDate", "DfE"},
      {"8614", "cin", E,
       "Parental or child factors at assessment should only be present for a completed assessment.",
       "AssessmentAuthorisationDate, AssessmentFactors", 0, 0,
       "an Assessment with AssessmentFactors but no AssessmentAuthorisationDate", "DfE"},
      {"8620", "cin", E, "CIN Closure Date present and does not fall within the Census year", "CINclosureDate", 0, 0,
       "CINclosureDate 2024-03-31 in the 2024-25 census (the census year starts 1 April 2024)", "DfE"},
      {"8630", "cin", E, "CIN Closure Date is before CIN Referral Date for the same CIN episode",
       "CINreferralDate, CINclosureDate", 0, 0, "CINreferralDate 2024-06-10 and CINclosureDate 2024-06-09", "DfE"},
      {"8640", "cin", E,
       "CIN Reason for closure code invalid (see Reason for Closure table in CIN Census code set)",
       "ReasonForClosure", 0, 0, "ReasonForClosure 'RC10'", "DfE"},
      {"8650", "cin", E, "Primary Need Code invalid (see Primary Need table in CIN census code set)",
       "PrimaryNeedCode", 0, 0, "PrimaryNeedCode 'N10'", "DfE"},
      {"8820", "cin", E, "The dates on the CIN episodes for this child overlap", "CINreferralDate, CINclosureDate", 0,
       0, "one episode 2024-04-01 to 2024-06-30 and another referred 2024-06-15, for one child", "DfE"},
      {"8839", "cin", E, "Within one CINDetails group there are 2 or more open S47 Assessments", "DateOfInitialCPC",
       0, 0, "two Section47 elements in one CINdetails, neither with a DateOfInitialCPC nor ICPCnotRequired", "DfE"},
      {"8840", "cin", E, "Child Protection Plan cannot start and end on the same day",
       "ChildProtectionPlans, CPPstartDate, CPPendDate", 0, 0, "CPPstartDate and CPPendDate both 2024-09-01",
       "DfE"},
      {"8866", "cin", E, "Source of Referral is missing or an invalid code", "CINreferralDate, ReferralSource", 0, 0,
       "ReferralSource '11' (or blank) on a referral made on or after 1 April 2013", "DfE"},
      {"8869", "cin", E,
       "The assessment factors code \xE2\x80\x9C" "21\xE2\x80\x9D cannot be used in conjunction with any other "
       "assessment factors.",
       "AssessmentFactors", 0, 0, "an Assessment with AssessmentFactors 21 and 3A", "DfE"},
      {"8898", "cin", E, "The assessment has more than one parental or child factors with the same code",
       "AssessmentFactors", 0, 0, "an Assessment with AssessmentFactors 3A twice", "DfE"},
      {"8905", "cin", E,
       "Initial Category of Abuse code missing or invalid (see Category of Abuse table in CIN Census code set)",
       "InitialCategoryOfAbuse", 0, 0, "InitialCategoryOfAbuse 'ABC' on a child protection plan", "DfE"},
      {"8910", "cin", E,
       "Latest Category of Abuse code missing or invalid (see Category of Abuse table in CIN Census code set)",
       "LatestCategoryOfAbuse", 0, 0, "LatestCategoryOfAbuse blank on a child protection plan", "DfE"},
      {"8935", "cin", E,
       "This child is showing more than one open Child Protection plan, i.e. with no End Date", "CPPendDate", 0, 0,
       "two child protection plans of one child, neither with a CPPendDate", "DfE"},
      {"8940", "cin", E, "Child Protection Plan data contains overlapping dates", "CPPstartDate, CPPendDate", 0, 0,
       "plans 2024-05-01 to 2024-08-01 and 2024-07-01 to 2024-10-01 for one child (or two starting the same day)",
       "DfE"},
      // ---- CIN census (carestat's own checks) ----
      {"dates", "cin", E, "An assessment or section 47 enquiry starts after the census ReferenceDate",
       "AssessmentActualStartDate, S47ActualStartDate", 0, 0,
       "AssessmentActualStartDate 2025-04-01 in the census whose ReferenceDate is 2025-03-31", "carestat"},
      {"stray-text", "cin", Q, "Text where the census has only elements (ignored)", "", 0, 0,
       "words typed between two elements of a Child, outside any field", "carestat"},
      {"upn-length", "cin", E, "UPN invalid (not 13 characters)", "UPN", 0, 0,
       "a UPN of 12 characters (DfE's character rules 1510 to 1550 assume 13)", "carestat"},

      // ---- SSDA903 (DfE) ----
      {"101", "ssda903", E, "Gender code is not valid.", "SEX", 0, 2024, "SEX '3' in the 2023-24 return", "DfE"},
      {"101", "ssda903", E, "The child or young person\xE2\x80\x99s reported sex is not valid.", "SEX", 2025, 0,
       "SEX '1' in the 2024-25 return (the codes are M, F and U from 2024-25)", "DfE"},
      {"102", "ssda903", E, "Date of birth is not a valid date.", "DOB", 0, 0, "DOB '31/02/2015'", "DfE"},
      {"103", "ssda903", E, "The ethnicity code is either not valid or has not been entered.", "ETHNIC", 0, 0,
       "ETHNIC blank or 'WXYZ'", "DfE"},
      {"104", "ssda903", E,
       "Date for Unaccompanied Asylum-Seeking Children (UASC) status ceased is not a valid date.", "DUC", 0, 0,
       "DUC '2024-13-01'", "DfE"},
      {"105", "ssda903", E,
       "Data entry for Unaccompanied Asylum-Seeking Children (UASC) status of child is invalid or has not been "
       "completed.",
       "UASC", 0, 0, "UASC '2' (it is 0 or 1)", "DfE"},
      {"112", "ssda903", E, "Date should be placed for adoption is not a valid date.", "DATE_INT", 0, 0,
       "DATE_INT '32/01/2024'", "DfE"},
      {"113", "ssda903", E, "Date matching child and adopter(s) is not a valid date.", "DATE_MATCH", 0, 0,
       "DATE_MATCH 'soon'", "DfE"},
      {"114", "ssda903", E, "Data entry to record the status of former carer(s) of an adopted child is invalid.",
       "FOSTER_CARE", 0, 0, "FOSTER_CARE '2'", "DfE"},
      {"115", "ssda903", E,
       "Date of Local Authority's (LA) decision that a child should be placed for adoption is not a valid date.",
       "DATE_PLACED", 0, 0, "DATE_PLACED '00/00/2024'", "DfE"},
      {"116", "ssda903", E,
       "Date of Local Authority's (LA) decision that a child should no longer be placed for adoption is not a "
       "valid date.",
       "DATE_PLACED_CEASED", 0, 0, "DATE_PLACED_CEASED '2024'", "DfE"},
      {"119", "ssda903", E,
       "If the decision is made that a child should no longer be placed for adoption, then the date of this "
       "decision and the reason why this decision was made must be completed.",
       "REASON_PLACED_CEASED, DATE_PLACED_CEASED", 0, 0,
       "DATE_PLACED_CEASED given and REASON_PLACED_CEASED blank", "DfE"},
      {"120", "ssda903", E,
       "The reason for the reversal of the decision that the child should be placed for adoption code is not "
       "valid.",
       "REASON_PLACED_CEASED", 0, 0, "REASON_PLACED_CEASED 'X'", "DfE"},
      {"131", "ssda903", E, "Data entry for being in touch after leaving care is invalid.", "IN_TOUCH", 0, 0,
       "IN_TOUCH blank or 'MAYBE'", "DfE"},
      {"132", "ssda903", E, "Data entry for activity after leaving care is invalid.", "ACTIV", 0, 0, "ACTIV 'Z1'",
       "DfE"},
      {"133", "ssda903", E,
       "Data entry for accommodation after leaving care is invalid. If reporting on a childs accommodation after "
       "leaving care the data entry must be valid",
       "ACCOM", 0, 0, "ACCOM 'Q'", "DfE"},
      {"141", "ssda903", E, "Date episode began is not a valid date.", "DECOM", 0, 0, "DECOM blank or '2024-02-30'",
       "DfE"},
      {"142", "ssda903", E, "A new episode has started, but the previous episode has not ended.", "DEC, REC", 0, 0,
       "an episode with no DEC followed by a later episode of the same child", "DfE"},
      {"143", "ssda903", E, "The reason for new episode code is not a valid code.", "RNE", 0, 0, "RNE 'Z'", "DfE"},
      {"144", "ssda903", E, "The legal status code is not a valid code.", "LS", 0, 0, "LS 'C3'", "DfE"},
      {"145", "ssda903", E, "Category of need code is not a valid code.", "CIN", 0, 0, "CIN 'N9'", "DfE"},
      {"146", "ssda903", E, "Placement type code is not a valid code.", "PLACE", 0, 0,
       "PLACE 'Z11' in the 2024-25 return, or 'Q9' in any year", "DfE"},
      {"147", "ssda903", E, "Date episode ceased is not a valid date.", "DEC", 0, 0, "DEC '31/04/2024'", "DfE"},
      {"148", "ssda903", E, "Date episode ceased and reason episode ceased must both be coded, or both left blank.",
       "DEC, REC", 0, 0, "DEC given and REC blank", "DfE"},
      {"149", "ssda903", E, "Reason episode ceased code is not valid.", "REC", 0, 0, "REC 'E99'", "DfE"},
      {"166", "ssda903", E, "Date of review is invalid or blank.", "REVIEW", 0, 0, "REVIEW blank", "DfE"},
      {"167", "ssda903", E, "Data entry for participation is invalid or blank.", "REVIEW_CODE", 0, 0,
       "REVIEW_CODE blank or 'PN9'", "DfE"},
      {"168", "ssda903", E,
       "Unique Pupil Number (UPN) is not valid. If unknown, default codes should be UN1, UN2, UN3, UN4 or UN5.",
       "UPN", 0, 0, "UPN 'UN9', or one of 12 characters", "DfE"},
      {"175", "ssda903", E, "The number of adopter(s) code is not a valid code.", "NB_ADOPTR", 0, 0, "NB_ADOPTR '3'",
       "DfE"},
      {"176", "ssda903", E, "The gender of adopter(s) at the date of adoption code is not a valid code.",
       "SEX_ADOPTR", 0, 0, "SEX_ADOPTR 'XX'", "DfE"},
      {"177", "ssda903", E, "The legal status of adopter(s) code is not a valid code.", "LS_ADOPTR", 0, 0,
       "LS_ADOPTR 'L9'", "DfE"},
      {"178", "ssda903", E, "Placement provider code is not a valid code.", "PLACE_PROVIDER", 0, 0,
       "PLACE_PROVIDER 'PR9'", "DfE"},
      {"180", "ssda903", E,
       "Data entry for the strengths and difficulties questionnaire (SDQ) score is invalid.", "SDQ_SCORE", 0, 0,
       "SDQ_SCORE 41 (scores run 0 to 40)", "DfE"},
      {"181", "ssda903", E,
       "Data items relating to children looked after continuously for 12 months should be completed with a 0 or "
       "1.",
       "CONVICTED, HEALTH_CHECK, IMMUNISATIONS, TEETH_CHECK, HEALTH_ASSESSMENT, SUBSTANCE_MISUSE, "
       "INTERVENTION_RECEIVED, INTERVENTION_OFFERED",
       0, 0, "HEALTH_CHECK '2'", "DfE"},
      {"196", "ssda903", E, "Strengths and Difficulties (SDQ) reason is not a valid code.", "SDQ_REASON", 0, 0,
       "SDQ_REASON 'SDQ9'", "DfE"},
      {"301", "ssda903", E, "Date of birth falls after the year ended.", "DOB", 0, 0,
       "DOB 01/04/2025 in the 2024-25 return", "DfE"},
      {"333", "ssda903", E,
       "Date should be placed for adoption must be on or prior to the date of matching child with adopter(s).",
       "DATE_INT", 0, 0, "DATE_INT 02/05/2024 and DATE_MATCH 01/05/2024", "DfE"},
      {"356", "ssda903", E, "The date the episode ceased is before the date the same episode started.", "DECOM, DEC", 0,
       0, "DECOM 10/06/2024 and DEC 09/06/2024", "DfE"},
      {"357", "ssda903", E,
       "If this is the first episode ever for this child, reason for new episode must be S.  Check whether there "
       "is an episode immediately preceding this one, which has been left out.  If not the reason for new episode "
       "code must be amended to S.",
       "RNE", 0, 0, "a child's first episode with RNE 'P'", "DfE"},
      {"361", "ssda903", E, "Police protection legal status lasted longer than maximum 72 hours allowed",
       "DECOM, LS, DEC", 0, 0, "LS 'L1' from DECOM 01/06/2024 to DEC 05/06/2024", "DfE"},
      {"388", "ssda903", E,
       "Reason episode ceased is coded new episode begins, but there is no continuation episode.", "REC", 0, 0,
       "REC 'X1' on a child's last episode", "DfE"},
      {"501", "ssda903", E, "A new episode has started before the end date of the previous episode.", "DECOM, DEC",
       0, 0, "an episode ending 10/06/2024 and the next starting 09/06/2024", "DfE"},
      {"522", "ssda903", E,
       "Date of decision that the child should be placed for adoption must be on or before the date that a child "
       "should no longer be placed for adoption.",
       "DATE_PLACED, DATE_PLACED_CEASED", 0, 0, "DATE_PLACED 02/05/2024 and DATE_PLACED_CEASED 01/05/2024", "DfE"},
      {"567", "ssda903", E,
       "The date that the missing episode or episode that the child was away from placement without authorisation "
       "ended is before the date that it started.",
       "MIS_START, MIS_END", 0, 0, "MIS_START 02/05/2024 and MIS_END 01/05/2024", "DfE"},
      {"631", "ssda903", E, "Previous permanence option not a valid value.", "PREV_PERM", 0, 0, "PREV_PERM 'Z9'",
       "DfE"},
      {"633", "ssda903", E,
       "Local authority code where previous permanence option was arranged is not a valid value.", "LA_PERM", 0, 0,
       "LA_PERM '999' (not one of DfE's LA codes)", "DfE"},
      {"700", "ssda903", E, "The start date of the DoLO is not a valid date.", "DOLO_START", 2027, 0,
       "DOLO_START blank or '2026-02-30'", "DfE"},
      {"701", "ssda903", E, "The end date of the DoLO is not a valid date.", "DOLO_END", 2027, 0,
       "DOLO_END 'ongoing'", "DfE"},
      {"702", "ssda903", E, "The date that the DoLO ended is before the date that it started.",
       "DOLO_START, DOLO_END", 2027, 0, "DOLO_START 02/05/2026 and DOLO_END 01/05/2026", "DfE"},
      {"1004", "ssda903", E,
       "The start date of the missing episode or episode that the child was away from placement without "
       "authorisation is not a valid date.",
       "MIS_START", 0, 0, "MIS_START blank or '2024-13-01'", "DfE"},
      {"1005", "ssda903", E,
       "The end date of the missing episode or episode that the child was away from placement without "
       "authorisation is not a valid date.",
       "MIS_END", 0, 0, "MIS_END 'unknown'", "DfE"},
      {"1006", "ssda903", E, "Missing type invalid.", "MISSING", 0, 0, "MISSING 'X' (it is M or A)", "DfE"},
      {"1009", "ssda903", E, "Reason for placement change is not a valid code.", "REASON_PLACE_CHANGE", 0, 0,
       "REASON_PLACE_CHANGE 'ZZZZ'", "DfE"},
      // Social worker episodes, from 2023-24. SW05STG1: Data to Insight's text repeats
      // SW04STG1's ("began"); the rule reads SW_DEC, the date the episode ended.
      {"SW04STG1", "ssda903", E, "Date social worker episode began is not a valid date.", "SW_DECOM", 2024, 0,
       "SW_DECOM blank or '31/09/2023'", "DfE"},
      {"SW05STG1", "ssda903", E, "Date social worker episode ended is not a valid date.", "SW_DEC", 2024, 0,
       "SW_DEC 'n/a'", "DfE"},
      {"SW13STG1", "ssda903", E,
       "The reason for social worker change is either not valid or has not been entered.", "SW_REASON", 2024, 0,
       "SW_REASON 'XYZ'", "DfE"},
      // ---- SSDA903 (carestat's own checks) ----
      {"sw-date-order", "ssda903", E, "A social worker episode ends before it starts", "SW_DECOM, SW_DEC", 2024, 0,
       "SW_DECOM 02/05/2024 and SW_DEC 01/05/2024", "carestat"},

      // ---- Annex A (carestat's checks; Ofsted publishes no rule codes) ----
      {"age", "annex-a", Q, "The age is not a number of years from 0 to 25", "Age of Child (Years)", 0, 0,
       "Age of Child (Years) 31", "carestat"},
      {"code", "annex-a", Q, "The cell is not one of its column's codes or options; left blank", "", 0, 0,
       "Gender 'Other (please specify)' or a Yes/No column holding 'Perhaps'", "carestat"},
      {"number", "annex-a", Q, "The cell is not a whole number; left blank", "", 0, 0,
       "Number of Previous Child Protection Plans '2.5'", "carestat"},

      // ---- local measures (carestat's own format) ----
      {"local-measure", "local-measures", E,
       "A local measures row is unusable: an indicator that is not an id, a period that is not a financial year, a "
       "value that is not a number or is outside its unit's range, or no source (the file is refused); or an la or "
       "period that is not the return's (the row is left out)",
       "indicator, la, period, value, source", 0, 0, "a percentage measure with value 140", "carestat"},

      // ---- carestat's checks of any return ----
      {"date", "carestat-local", EQ,
       "A date field is not a date (an error where the record cannot be placed without it, else a query and the "
       "field is left blank)",
       "", 0, 0, "CINreferralDate '2024-02-30', or an Annex A date '31/13/2024'", "carestat"},
      {"date-range", "carestat-local", E,
       "A date is before 1900 or more than a year after today: the record is left out of every figure", "", 0, 0,
       "a referral date of 01/01/9999", "carestat"},
      {"format", "carestat-local", E, "The file's format is not recognised, or the file cannot be read", "", 0, 0,
       "a PDF in the inbox, or a CSV whose header is not one of the known returns'", "carestat"},
      {"header-la", "carestat-local", E, "The return's header names another LA than the folder it was filed under",
       "LEA", 0, 0, "a census with <LEA>302</LEA> in the inbox folder of LA 301", "carestat"},
      {"header-year", "carestat-local", E,
       "The return's header is of another collection year than the folder it was filed under", "ReferenceDate", 0,
       0, "a census whose ReferenceDate is 31 March 2025 filed under 2024", "carestat"},
      {"sheet", "carestat-local", Q, "A workbook sheet that is not one of the return's lists is skipped", "", 0, 0,
       "a 'Notes' sheet in an Annex A workbook", "carestat"},
      {"structure", "carestat-local", EQ,
       "The file's layout cannot be read as its return (missing or repeated columns, rows of the wrong width)", "",
       0, 0, "a CSV row with one field more than its header", "carestat"},
      {"child-id", "carestat-local", E,
       "A row has no child identifier: an SSDA903 row (CHILD) is left out and the rest of the file read; an "
       "Annex A list (Child Unique ID) is refused until it is filled in",
       "CHILD, Child Unique ID", 0, 0, "an SSDA903 episodes row whose CHILD cell is blank", "carestat"},
      {"xlsx", "carestat-local", E, "The workbook cannot be read (not a whole XLSX file)", "", 0, 0,
       "an .xlsx cut short in transfer", "carestat"},
      {"xml", "carestat-local", EQ,
       "The XML cannot be read as the return (not well formed, wrong root element; a query when it has no children)",
       "", 0, 0, "a census whose closing </Message> is missing", "carestat"},
  };
  return kRules;
}

int DatasetRank(std::string_view d);

// The table above and the rule engine's rules (services/ingestion/validation), in
// dataset order and then by code.
const std::vector<RuleInfo>& Table() {
  static const std::vector<RuleInfo>* rules = [] {
    auto* all = new std::vector<RuleInfo>(StaticTable());
    for (const auto& d : validation::EngineRules()) all->push_back(d.info);
    std::stable_sort(all->begin(), all->end(), [](const RuleInfo& a, const RuleInfo& b) {
      if (DatasetRank(a.dataset) != DatasetRank(b.dataset)) return DatasetRank(a.dataset) < DatasetRank(b.dataset);
      return a.code < b.code;
    });
    return all;
  }();
  return *rules;
}

int DatasetRank(std::string_view d) {
  const auto& ds = RuleDatasets();
  return static_cast<int>(std::find(ds.begin(), ds.end(), d) - ds.begin());
}

std::string YearName(int collection_year) {
  return absl::StrCat(collection_year - 1, "-", (collection_year % 100 < 10 ? "0" : ""), collection_year % 100);
}

}  // namespace

const std::vector<std::string_view>& RuleDatasets() {
  static const std::vector<std::string_view> kDatasets = {"cin", "ssda903", "annex-a", "local-measures",
                                                          "carestat-local"};
  return kDatasets;
}

const std::vector<RuleInfo>& AllRules() { return Table(); }

std::vector<const RuleInfo*> FindRules(std::string_view code) {
  std::vector<const RuleInfo*> out;
  for (const auto& r : Table()) {
    if (r.code == code) out.push_back(&r);
  }
  return out;
}

bool RuleAppliesIn(const RuleInfo& r, int collection_year) {
  if (collection_year == 0) return true;
  return (r.from_year == 0 || collection_year >= r.from_year) && (r.to_year == 0 || collection_year <= r.to_year);
}

std::vector<const RuleInfo*> SelectRules(std::string_view dataset, int collection_year) {
  std::vector<const RuleInfo*> out;
  for (const auto& r : Table()) {
    if ((dataset.empty() || r.dataset == dataset) && RuleAppliesIn(r, collection_year)) out.push_back(&r);
  }
  std::stable_sort(out.begin(), out.end(), [](const RuleInfo* a, const RuleInfo* b) {
    return DatasetRank(a->dataset) < DatasetRank(b->dataset);
  });
  return out;
}

std::vector<std::string> RuleFields(const RuleInfo& r) {
  if (r.fields.empty()) return {};
  return absl::StrSplit(absl::string_view(r.fields.data(), r.fields.size()), ", ");
}

std::string_view RuleSeverityName(RuleSeverity s) {
  switch (s) {
    case RuleSeverity::kError: return "error";
    case RuleSeverity::kQuery: return "query";
    case RuleSeverity::kErrorOrQuery: return "error or query";
  }
  return "error";
}

std::string RuleYearsText(const RuleInfo& r) {
  if (r.from_year == 0 && r.to_year == 0) return "all years";
  if (r.to_year == 0) return absl::StrCat(YearName(r.from_year), " onwards");
  if (r.from_year == 0) return absl::StrCat("up to ", YearName(r.to_year));
  return absl::StrCat(YearName(r.from_year), " to ", YearName(r.to_year));
}

std::optional<int> ParseRuleYear(std::string_view text) {
  auto number = [](std::string_view s, size_t digits) -> std::optional<int> {
    if (s.size() != digits) return std::nullopt;
    int v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
  };
  if (text.size() == 4) {
    auto y = number(text, 4);
    if (y && *y >= 2001 && *y <= 2099) return y;
    return std::nullopt;
  }
  if (text.size() == 7 && text[4] == '-') {
    auto start = number(text.substr(0, 4), 4);
    auto end = number(text.substr(5), 2);
    if (!start || !end || *start < 2000 || *start > 2098 || (*start + 1) % 100 != *end) return std::nullopt;
    return *start + 1;
  }
  return std::nullopt;
}

std::string RulesJson(const std::vector<const RuleInfo*>& rules, bool with_example) {
  Json list = Json::array();
  for (const RuleInfo* r : rules) {
    Json f = {{"code", std::string(r->code)},
              {"dataset", std::string(r->dataset)},
              {"severity", std::string(RuleSeverityName(r->severity))},
              {"message", std::string(r->message)},
              {"fields", RuleFields(*r)},
              {"years", RuleYearsText(*r)},
              {"from_year", r->from_year ? Json(YearName(r->from_year)) : Json(nullptr)},
              {"to_year", r->to_year ? Json(YearName(r->to_year)) : Json(nullptr)},
              {"source", std::string(r->source)}};
    if (with_example) f["example"] = std::string(r->example);
    list.push_back(std::move(f));
  }
  return Json{{"rules", std::move(list)}}.dump(1, ' ', false, Json::error_handler_t::replace) + "\n";
}

int RenderRules(const RulesRequest& q, std::string* out, std::string* error) {
  out->clear();
  error->clear();
  if (!q.explain.empty()) {
    const auto all = FindRules(q.explain);
    std::vector<const RuleInfo*> shown;
    for (const RuleInfo* r : all) {
      if ((q.dataset.empty() || r->dataset == q.dataset) && RuleAppliesIn(*r, q.year)) shown.push_back(r);
    }
    if (shown.empty()) {
      if (all.empty()) {
        *error = absl::StrCat("no rule '", q.explain, "': carestat does not check it (carestat rules lists those it does)");
      } else {
        std::string where;
        for (const RuleInfo* r : all)
          absl::StrAppend(&where, where.empty() ? "" : "; ", std::string(r->dataset), ", ", RuleYearsText(*r));
        *error = absl::StrCat("rule '", q.explain, "' is not a rule of ", q.dataset.empty() ? "any dataset" : q.dataset,
                              q.year ? absl::StrCat(" in ", YearName(q.year)) : "", " (it is: ", where, ")");
      }
      return 2;
    }
    if (q.json) {
      *out = RulesJson(shown, /*with_example=*/true);
      return 0;
    }
    for (size_t i = 0; i < shown.size(); ++i) {
      const RuleInfo& r = *shown[i];
      absl::StrAppend(out, i ? "\n" : "", "Rule ", std::string(r.code), " (", std::string(r.dataset), ", ",
                      std::string(RuleSeverityName(r.severity)), ", ", std::string(r.source), " rule)\n  ",
                      std::string(r.message), "\n  Fields: ",
                      r.fields.empty() ? std::string("(named in each issue: the field, row or file at fault)") : std::string(r.fields),
                      "\n  Years:  ", RuleYearsText(r), "\n  Fails:  ", std::string(r.example), "\n");
      // The rule engine's rules each have their own test, with a case that fails and a
      // near miss that passes (tests/unit/validation, RuleEngine.EveryRuleHasItsTest).
      for (const auto& d : validation::EngineRules()) {
        if (d.info.code == r.code && d.info.dataset == r.dataset && d.info.from_year == r.from_year) {
          absl::StrAppend(out, "  Test:   TEST(", r.dataset == "cin" ? "CinRules" : "Ssda903Rules", ", R",
                          std::string(r.code), ") in tests/unit/validation/\n");
          break;
        }
      }
    }
    return 0;
  }
  const auto rules = SelectRules(q.dataset, q.year);
  if (q.json) {
    *out = RulesJson(rules);
    return 0;
  }
  std::string_view last_dataset;
  for (const RuleInfo* r : rules) {
    if (r->dataset != last_dataset) {
      absl::StrAppend(out, last_dataset.empty() ? "" : "\n", std::string(r->dataset), "\n");
      last_dataset = r->dataset;
    }
    const std::string years = RuleYearsText(*r);
    std::string code(r->code), severity(RuleSeverityName(r->severity));
    code.resize(std::max<size_t>(code.size(), 13), ' ');
    severity.resize(std::max<size_t>(severity.size(), 14), ' ');
    absl::StrAppend(out, "  ", code, " ", severity, " ", std::string(r->message),
                    r->fields.empty() ? "" : absl::StrCat(" [", std::string(r->fields), "]"),
                    years == "all years" || q.year ? "" : absl::StrCat(" (", years, ")"), "\n");
  }
  absl::StrAppend(out, "\n", rules.size(), " rules\n");
  return 0;
}

}  // namespace carestat
