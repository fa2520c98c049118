// File: validate.h
// `carestat validate`: checks return files offline and writes every issue as it is
// found (text, JSON, CSV or XLSX), with exact counts by rule at the end. Memory does not
// grow with the number of issues: none is kept (what remains is what the rules
// themselves need, such as the set of child identifiers a file holds).
//   ValidateOptions o;
//   o.files = {"inbox/301/2016/cin.xml"};
//   o.output = ValidateOutput::kCsv;
//   o.out_path = "errors.csv";
//   int exit_code = RunValidate(o, stdout, stderr);
#pragma once

#include <cstdio>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace carestat {

enum class ValidateOutput { kText, kJson, kCsv, kXlsx };

struct ValidateOptions {
  std::vector<std::string> files;
  std::string la;              // else from an inbox path INBOX/<LA>/<year>/FILE
  int year = 0;                // collection year (2016 for 2015-16); overrides the folder's
  std::set<std::string> rules; // report only these rules (empty: every rule)
  // The previous year's SSDA903 CSV tables, read as Header_last, Episodes_last, ... for the
  // rules that compare a return with last year's (their own issues are not reported).
  std::vector<std::string> previous;
  // `--previous auto`: when `previous` is empty and an SSDA903 return's tables are in an
  // inbox folder INBOX/<LA>/<year>/, last year's SSDA903 tables are read from
  // INBOX/<LA>/<year - 1>/ when that folder exists (a note on `err` names it).
  bool previous_from_inbox = false;
  // Reference data for the SSDA903 rules that need it: the ONS postcode lookup (NSPL or
  // ONSPD CSV) and Ofsted's provider lists (XLSX or CSV). Without them those rules do
  // not run, and the output says which did not (text: a line; JSON: summary.not_run).
  std::string postcodes;
  std::vector<std::string> providers;
  ValidateOutput output = ValidateOutput::kText;
  std::string out_path;        // required for CSV and XLSX; text and JSON go to `out`
};

// "2025-26" (a financial year) or "2026" (a collection year) as the collection year,
// 2026; nullopt with `problem` set otherwise.
std::optional<int> ParseValidateYear(const std::string& s, std::string* problem);

// Runs the check. Text and JSON go to `out`; CSV and XLSX to options.out_path (one row
// per issue: child as in the file, rule, severity, message, field, line, file; the
// workbook also has a Summary sheet by rule). Problems with a file or the output go to
// `err`. Returns 0 no errors, 1 errors found, 2 a file is unusable or the output could
// not be written.
int RunValidate(const ValidateOptions& options, FILE* out, FILE* err);

}  // namespace carestat
