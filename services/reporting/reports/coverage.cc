#include "services/reporting/reports/coverage.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/dates.h"
#include "services/common/datasets.h"
#include "services/reporting/format.h"
#include "services/reporting/render/text.h"

namespace carestat {
namespace {

int64_t RecordsOf(const v1::ReturnInfo& r) {
  int64_t n = 0;
  for (const auto& [kind, c] : r.record_counts()) n += c;
  return n;
}

std::string StoredDetail(const v1::ReturnInfo& r) {
  std::string d = absl::StrCat("stored ", DateWords(r.uploaded_unix_ms()));
  if (r.dataset() != kDatasetLocalMeasures)
    absl::StrAppend(&d, "; ", FormatNumber(static_cast<double>(RecordsOf(r)), "count"), " records");
  if (r.errors() > 0) absl::StrAppend(&d, ", ", FormatNumber(r.errors(), "count"), " errors");
  return d;
}

}  // namespace

const std::vector<ExpectedReturn>& ExpectedReturns() {
  static const std::vector<ExpectedReturn> kExpected = {
      {"CIN census", kDatasetCinCensus, {},
       "referrals, assessments, section 47 enquiries and child protection (Tables 1 and 2, Figures 1 and 2)"},
      {"SSDA903 header", Ssda903Dataset("header"), {kDatasetSsda903Xml},
       "looked-after children, care leavers and adoption (Table 4, Figures 3 and 4)"},
      {"SSDA903 episodes", Ssda903Dataset("episodes"), {kDatasetSsda903Xml},
       "looked-after children and adoption (Table 4, Figures 3 and 4)"},
      {"SSDA903 care leavers (OC3)", Ssda903Dataset("oc3"), {kDatasetSsda903Xml}, "care leavers"},
      {"SSDA903 adoptions (AD1)", Ssda903Dataset("ad1"), {kDatasetSsda903Xml}, "adoption timeliness"},
      {"SSDA903 placed for adoption", Ssda903Dataset("placed_adoption"), {kDatasetSsda903Xml},
       "adoption decisions and timeliness"},
      {"Annex A list 1 (contacts)", kDatasetAnnexAList1, {kDatasetAnnexAWorkbook}, "contacts (Table 1)"},
      {"Local measures", kDatasetLocalMeasures, {},
       "the council's local measures (social work workforce, visits, core groups, finance)"},
  };
  return kExpected;
}

std::vector<v1::ReturnCoverage> CoverageOf(const v1::ListReturnsResponse& list, const std::string& la,
                                           int collection_year) {
  std::vector<v1::ReturnCoverage> out;
  std::set<std::string> covered;  // stored datasets an expected row stands for
  auto stored = [&](const std::string& dataset) -> const v1::ReturnInfo* {
    for (const auto& r : list.returns()) {
      if (r.la() == la && r.collection_year() == collection_year && r.dataset() == dataset) return &r;
    }
    return nullptr;
  };
  auto refused = [&](const std::string& dataset) -> const v1::RejectedReturn* {
    for (const auto& r : list.rejected()) {
      if (r.la() == la && r.collection_year() == collection_year && r.dataset() == dataset) return &r;
    }
    return nullptr;
  };
  for (const ExpectedReturn& e : ExpectedReturns()) {
    v1::ReturnCoverage c;
    c.set_name(e.name);
    c.set_dataset(e.dataset);
    c.set_feeds(e.feeds);
    c.set_expected(true);
    std::vector<std::string> holders = {e.dataset};
    holders.insert(holders.end(), e.also_in.begin(), e.also_in.end());
    const v1::ReturnInfo* held = nullptr;
    for (const auto& d : holders) {
      if ((held = stored(d))) break;
    }
    const v1::RejectedReturn* refusal = nullptr;
    for (const auto& d : holders) {
      if ((refusal = refused(d))) break;
    }
    if (held) {
      covered.insert(held->dataset());
      c.set_status("stored");
      c.set_file(held->file_name());
      c.set_detail(StoredDetail(*held));
      if (refusal && refusal->rejected_unix_ms() > held->uploaded_unix_ms()) {
        // A newer file was refused: the figures rest on the older one.
        absl::StrAppend(c.mutable_detail(), "; a later file, ", refusal->file_name(), ", was refused on ",
                        DateWords(refusal->rejected_unix_ms()), " (", refusal->reason(),
                        "), so the figures use the one stored");
      }
    } else if (refusal) {
      c.set_status("rejected");
      c.set_file(refusal->file_name());
      c.set_detail(absl::StrCat("refused on ", DateWords(refusal->rejected_unix_ms()), ": ", refusal->reason(),
                                "; nothing of it was stored"));
    } else {
      c.set_status("missing");
      c.set_detail("no file received");
    }
    out.push_back(std::move(c));
  }
  for (const auto& r : list.returns()) {
    if (r.la() != la || r.collection_year() != collection_year || covered.count(r.dataset())) continue;
    bool expected = false;
    for (const ExpectedReturn& e : ExpectedReturns()) expected = expected || e.dataset == r.dataset();
    if (expected) continue;
    v1::ReturnCoverage c;
    c.set_name(r.dataset());
    c.set_dataset(r.dataset());
    c.set_status("stored");
    c.set_file(r.file_name());
    c.set_detail(StoredDetail(r));
    out.push_back(std::move(c));
  }
  return out;
}

absl::StatusOr<std::vector<v1::ReturnCoverage>> YearCoverage(ReturnsSource* returns, const std::string& la, int fy,
                                                             std::string* note) {
  note->clear();
  const std::string period = FormatPeriod(FinancialYear(fy));
  if (returns == nullptr) {
    *note = "This reporting service has no source of returns: which returns the figures rest on is not listed.";
    return std::vector<v1::ReturnCoverage>{};
  }
  auto list = returns->ReturnList(la);
  if (absl::IsNotFound(list.status())) {
    return absl::FailedPreconditionError(absl::StrCat("no returns are stored for LA ", la,
                                                      ", so there is no report for ", period, ": ",
                                                      list.status().message()));
  }
  if (!list.ok()) {
    *note = absl::StrCat("The returns behind these figures could not be listed: ", list.status().message());
    return std::vector<v1::ReturnCoverage>{};
  }
  std::vector<v1::ReturnCoverage> coverage = CoverageOf(*list, la, fy + 1);
  if (!AnyStored(*list, la, fy + 1)) {
    std::vector<std::string> why;
    for (const auto& c : coverage) {
      if (c.expected()) why.push_back(absl::StrCat(c.name(), ": ", c.status(), " (", c.detail(), ")"));
    }
    return absl::FailedPreconditionError(absl::StrCat("no returns are stored for LA ", la, " in ", period,
                                                      ", so there is no report: ", absl::StrJoin(why, "; "),
                                                      ". Send the year's returns (carestat run --inbox) first."));
  }
  return coverage;
}

bool AnyStored(const v1::ListReturnsResponse& list, const std::string& la, int collection_year) {
  for (const auto& r : list.returns()) {
    // The pipeline's check of SSDA903 tables together holds no records of its own.
    if (r.la() == la && r.collection_year() == collection_year && r.dataset() != kDatasetSsda903Checks) return true;
  }
  return false;
}

std::string GapOf(const std::vector<v1::ReturnCoverage>& coverage, const std::vector<std::string>& datasets,
                  const std::string& period) {
  std::vector<std::string> parts;
  for (const auto& ds : datasets) {
    for (const auto& c : coverage) {
      if (!c.expected() || c.dataset() != ds || c.status() == "stored") continue;
      if (c.status() == "missing") {
        parts.push_back(absl::StrCat("the ", c.name(), " return is missing (no file received)"));
      } else {
        parts.push_back(absl::StrCat("the ", c.name(), " (", c.file(), ") was ", c.detail()));
      }
    }
  }
  if (parts.empty()) return "";
  return absl::StrCat(period, ": ", absl::StrJoin(parts, "; "), ". Its figures for ", period,
                      " are not available.");
}

std::vector<std::string> DatasetsOf(const std::string& indicator) {
  const std::string episodes[] = {Ssda903Dataset("header"), Ssda903Dataset("episodes")};
  if (indicator == "contacts") return {kDatasetAnnexAList1};
  if (indicator == "contact_conversion_pct") return {kDatasetAnnexAList1, kDatasetCinCensus};
  for (const char* p : {"referral", "rereferral", "cin_", "assessment", "s47", "icpc", "cpp_"}) {
    if (absl::StartsWith(indicator, p)) return {kDatasetCinCensus};
  }
  if (absl::StartsWith(indicator, "lac_")) return {episodes[0], episodes[1]};
  if (absl::StartsWith(indicator, "care_leavers")) return {Ssda903Dataset("header"), Ssda903Dataset("oc3")};
  if (indicator == "shopa_decisions") return {Ssda903Dataset("placed_adoption")};
  if (indicator == "adoptions") return {episodes[0], episodes[1]};
  if (absl::StartsWith(indicator, "adoption_"))
    return {episodes[0], episodes[1], Ssda903Dataset("ad1"), Ssda903Dataset("placed_adoption")};
  for (const char* m : {"agency_sw_rate_pct", "sw_caseload_avg", "cp_visits_timely_pct", "cp_core_groups_held_pct",
                        "overspend_gbp", "nrpf_cases", "foster_carer_reviews_pct"}) {
    if (indicator == m) return {kDatasetLocalMeasures};
  }
  return {};
}

}  // namespace carestat
