// The CIN census return (cin-census.xml) as exported on 31 March of each year.
#include "synth/model.h"

namespace carestat::synth {

// The reason for closure written for a closed episode (0-based: RC1 is 0): RC6 when it
// closed on the 18th birthday; RC7 for an episode closed after assessment whose enquiry,
// plan or CIN plan went on from it (RC8 or RC9 with any of those breaks rule 2990; a
// section 47 enquiry may be added to such an episode by CalibrateS47).
uint8_t Borough::ReasonForClosure(const Episode& e) const {
  if (e.closure == children_[e.child].eighteenth) return kRc6;
  if (e.reason != kRc8) return e.reason;
  bool activity = !e.plans.empty() || e.cin_plan_start != kNone;
  for (int32_t s : e.s47s) activity = activity || !s47s_[s].removed;
  return activity ? kRc7 : kRc8;
}

// Every episode open at some point in the financial year, as that year's return saw it:
// a closure, an authorisation or a conference after the reference date is not known yet.
std::string Borough::CensusXml(int fy) const {
  const int cy = fy + 1;
  const int out_cy = cy + year_shift_;  // the collection year written
  const int32_t start = Fys(fy), end = Fye(fy);
  const int32_t school_age_born_by = DayNumber(cy - 6, 8, 31);  // the school year began in September cy - 1
  auto iso = [](int32_t d) { return FormatIsoDate(d); };
  // Disabilities (rule 8540 wants one or more; 2887Q more than 7 codes across the return,
  // 2888Q some child with several): NONE, or for a disabled child (Disabled, as Annex A
  // has it) one to three of DfE's codes, learning disability and autism the commonest.
  // Hashed, so the PRNG's order and every figure stay as they were.
  auto disabilities = [&](int32_t child) {
    if (!Disabled(child)) return std::string("<Disabilities><Disability>NONE</Disability></Disabilities>");
    static constexpr std::array<const char*, 12> kCodes = {"LD",  "AUT",  "COMM", "BEH", "CON",  "MOB",
                                                          "HAND", "PC", "INC",  "HEAR", "VIS", "DDA"};
    static constexpr std::array<int, 12> kWeights = {250, 200, 120, 100, 80, 60, 40, 40, 30, 30, 30, 20};
    constexpr uint64_t kSaltDisabilities = 1001;  // apart from the Annex A lists' salts
    const uint64_t h = Hash(child, 0, kSaltDisabilities);
    const int n = h % 100 < 65 ? 1 : h % 100 < 90 ? 2 : 3;
    std::string xml = "<Disabilities>";
    uint32_t used = 0;
    for (int k = 0, draw = 1; k < n; ++draw) {
      int r = static_cast<int>(Hash(child, draw, kSaltDisabilities) % 1000), i = 0;
      while (r >= kWeights[i]) r -= kWeights[i++];
      if (used & (1u << i)) continue;
      used |= 1u << i;
      ++k;
      absl::StrAppend(&xml, "<Disability>", kCodes[i], "</Disability>");
    }
    return xml + "</Disabilities>";
  };
  std::string out;
  out.reserve(1 << 22);
  absl::StrAppend(&out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Message>\n  <Header>\n",
                  "    <CollectionDetails><Collection>CIN</Collection><Year>", out_cy,
                  "</Year><ReferenceDate>", iso(end), "</ReferenceDate></CollectionDetails>\n",
                  "    <Source><SourceLevel>L</SourceLevel><LEA>", la_,
                  "</LEA><SoftwareCode>carestat synth</SoftwareCode><Release>1</Release>",
                  "<SerialNo>1</SerialNo><DateTime>", cy,
                  "-04-15T09:00:00</DateTime></Source>\n  </Header>\n  <Children>\n");
  for (int32_t id = 0; id < static_cast<int32_t>(children_.size()); ++id) {
    const Child& c = children_[id];
    std::vector<int32_t> open;
    for (int32_t e : c.episodes) {
      if (episodes_[e].referral <= end && episodes_[e].closure >= start) open.push_back(e);
    }
    if (open.empty()) continue;
    std::sort(open.begin(), open.end(),
              [&](int32_t a, int32_t b) { return episodes_[a].referral < episodes_[b].referral; });
    // UN1 is "not of school age, no UPN yet": born after the 31 August five years before
    // the school year under way on the ReferenceDate began (rule 8770Q from 2024-25;
    // every child 6 or older by 31 March, its test to 2023-24, is of school age too).
    // Older synthetic children carry no UPN either, and UN2 is the nearest honest code.
    const char* upn_unknown = c.dob > school_age_born_by ? "UN1" : "UN2";
    absl::StrAppend(&out, "    <Child>\n      <ChildIdentifiers><LAchildID>", ChildId(id),
                    "</LAchildID><UPNunknown>", upn_unknown, "</UPNunknown><PersonBirthDate>", iso(c.dob),
                    "</PersonBirthDate>",
                    out_cy >= kSexLettersFromCy ? (c.male ? "<Sex>M</Sex>" : "<Sex>F</Sex>")
                                                : (c.male ? "<GenderCurrent>1</GenderCurrent>"
                                                          : "<GenderCurrent>2</GenderCurrent>"),
                    "</ChildIdentifiers>\n",
                    "      <ChildCharacteristics><Ethnicity>", kEthnicities[c.ethnicity], "</Ethnicity>",
                    disabilities(id), "</ChildCharacteristics>\n");
    for (int32_t eid : open) {
      const Episode& e = episodes_[eid];
      const bool closed = e.closure <= end;
      absl::StrAppend(&out, "      <CINdetails>\n        <CINreferralDate>", iso(e.referral),
                      "</CINreferralDate><ReferralSource>", kSources[e.source].cin,
                      "</ReferralSource><PrimaryNeedCode>N", e.need + 1, "</PrimaryNeedCode>\n        ");
      if (closed) {
        absl::StrAppend(&out, "<CINclosureDate>", iso(e.closure), "</CINclosureDate><ReasonForClosure>RC",
                        ReasonForClosure(e) + 1, "</ReasonForClosure>");
      }
      absl::StrAppend(&out, "<ReferralNFA>", e.nfa && closed ? "true" : "false", "</ReferralNFA>\n");
      if (e.asmt_start != kNone && e.asmt_start <= end && (e.asmt_auth > end || e.asmt_auth >= start)) {
        absl::StrAppend(&out, "        <Assessments><AssessmentActualStartDate>", iso(e.asmt_start),
                        "</AssessmentActualStartDate>");
        if (e.asmt_auth <= end) {
          absl::StrAppend(&out, "<AssessmentAuthorisationDate>", iso(e.asmt_auth),
                          "</AssessmentAuthorisationDate><FactorsIdentifiedAtAssessment>");
          // 21, no factors identified, only where the episode closes after the assessment
          // (RC8): with a plan, an enquiry, care or any other end a factor was found
          // (rule 8873Q); that factor is hashed, so the PRNG's order stays as it was.
          if (e.nfactors == 0) {
            const bool rc8 = e.closure != kNever && ReasonForClosure(e) == kRc8;
            constexpr uint64_t kSaltFactor = 1002;  // apart from the Annex A lists' salts
            absl::StrAppend(&out, "<AssessmentFactors>",
                            rc8 ? "21" : kFactors[Hash(e.child, e.asmt_start, kSaltFactor) % kFactors.size()],
                            "</AssessmentFactors>");
          }
          for (int k = 0; k < e.nfactors; ++k) {
            absl::StrAppend(&out, "<AssessmentFactors>", kFactors[e.factors[k]], "</AssessmentFactors>");
          }
          absl::StrAppend(&out, "</FactorsIdentifiedAtAssessment>");
        }
        absl::StrAppend(&out, "</Assessments>\n");
      }
      if (e.cin_plan_start != kNone && e.cin_plan_start <= end && e.closure >= start) {
        absl::StrAppend(&out, "        <CINPlanDates><CINPlanStartDate>", iso(e.cin_plan_start),
                        "</CINPlanStartDate>");
        if (closed) absl::StrAppend(&out, "<CINPlanEndDate>", iso(e.closure), "</CINPlanEndDate>");
        absl::StrAppend(&out, "</CINPlanDates>\n");
      }
      for (int32_t sid : e.s47s) {
        const S47& s = s47s_[sid];
        if (s.removed || s.start > end || (s.start < start && s.outcome < start)) continue;
        absl::StrAppend(&out, "        <Section47><S47ActualStartDate>", iso(s.start),
                        "</S47ActualStartDate><InitialCPCtarget>", iso(cal_.Add(s.start, 15)),
                        "</InitialCPCtarget>");
        if (s.outcome <= end) {
          if (s.icpc) absl::StrAppend(&out, "<DateOfInitialCPC>", iso(s.outcome), "</DateOfInitialCPC>");
          absl::StrAppend(&out, "<ICPCnotRequired>", s.icpc ? "false" : "true", "</ICPCnotRequired>");
        }
        absl::StrAppend(&out, "</Section47>\n");
      }
      for (int32_t pid : e.plans) {
        const Plan& p = plans_[pid];
        if (p.start > end || p.end < start) continue;
        absl::StrAppend(&out, "        <ChildProtectionPlans><CPPstartDate>", iso(p.start), "</CPPstartDate>");
        if (p.end <= end) absl::StrAppend(&out, "<CPPendDate>", iso(p.end), "</CPPendDate>");
        absl::StrAppend(&out, "<InitialCategoryOfAbuse>", kCategories[p.initial],
                        "</InitialCategoryOfAbuse><LatestCategoryOfAbuse>", kCategories[p.latest],
                        "</LatestCategoryOfAbuse><NumberOfPreviousCPP>", p.previous, "</NumberOfPreviousCPP>");
        std::string reviews;
        for (int32_t r = p.start + 90; r <= end && r < p.end; r += 182) {
          absl::StrAppend(&reviews, "<CPPreviewDate>", iso(r), "</CPPreviewDate>");
        }
        if (!reviews.empty()) absl::StrAppend(&out, "<Reviews>", reviews, "</Reviews>");
        absl::StrAppend(&out, "</ChildProtectionPlans>\n");
      }
      absl::StrAppend(&out, "      </CINdetails>\n");
    }
    absl::StrAppend(&out, "    </Child>\n");
  }
  absl::StrAppend(&out, "  </Children>\n</Message>\n");
  return out;
}

// A period is in the year's SSDA903 return when one of its episodes is open on some day

}  // namespace carestat::synth
