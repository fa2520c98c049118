#include "services/reporting/render/text.h"

#include <algorithm>

#include <cmath>
#include <ctime>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/dates.h"
#include "services/reporting/format.h"
#include "services/reporting/reports/rating.h"

namespace carestat {

const char kRoundingNote[] =
    "Figures are held unrounded and rounded only for display: whole numbers for counts, days, percentages and "
    "rates per 10,000 children aged 0-17; one decimal place for the child protection plan rate. Percentage changes "
    "are computed from the unrounded figures, so they may differ slightly from changes worked out from the rounded "
    "ones. \"not available\" means there is no figure (no data, or nothing to divide by); it never means zero. In "
    "place of a comparator: \"not published by DfE\" (no DfE collection holds it), \"not held\" (DfE publishes "
    "it in a release or for a year carestat's reference data does not hold), \"no comparable DfE figure\" (DfE's "
    "nearest measure is defined differently), \"not applicable\" (a rate column beside a count, or London beside "
    "an LA outside London).";

const char kDisclosureNote[] =
    "Published figures follow DfE disclosure control: a count from 1 to 5 is shown as c, as is a percentage or rate "
    "whose numerator is from 1 to 5 or whose count is suppressed; where one figure of a group with a known total "
    "(categories of abuse adding to 100%, or last year's number plus those starting less those ceasing giving this "
    "year's number) is suppressed, the next smallest is suppressed too so it cannot be worked out. Changes from a "
    "suppressed figure are shown as c.";

const char kInternalNote[] =
    "Internal report: every figure is shown, including counts from 1 to 5. Use the published version (--publish) "
    "for anything that leaves the council.";

std::string YearSlash(const std::string& year) {
  std::string s = year;
  if (s.size() == 7 && s[4] == '-') s[4] = '/';
  return s;
}

std::string PeriodWords(const std::string& year) {
  auto p = ParsePeriod(year);
  if (!p || p->kind() != v1::Period::FINANCIAL_YEAR) return year;
  return absl::StrCat("1 April ", p->start_year(), " to 31 March ", p->start_year() + 1);
}

std::string DateWords(int64_t unix_ms) {
  if (unix_ms <= 0) return "";
  static const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                  "July",    "August",   "September", "October", "November", "December"};
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return absl::StrCat(tm.tm_mday, " ", kMonths[tm.tm_mon], " ", tm.tm_year + 1900);
}

std::string LaWords(const std::string& la, const std::string& name) {
  return name.empty() ? absl::StrCat("LA ", la) : absl::StrCat(name, " (LA ", la, ")");
}

std::string StatusWords(bool published) {
  return published ? "Published: DfE disclosure control applied (c marks a suppressed figure)"
                   : "Internal: every figure shown, not for publication";
}

std::string ChangeWords(const v1::Cell& change, const v1::Cell& change_pct, const std::string& unit) {
  if (change.suppressed() || change_pct.suppressed()) return kSuppressedMark;
  if (!change.has_value()) return "";
  if (IsPercentUnit(unit)) return FormatDifference(change, unit);
  std::string s = FormatDifference(change, unit);
  if (change_pct.has_value()) absl::StrAppend(&s, ", ", FormatChange(change_pct));
  return s;
}

std::string ComparatorWords(const google::protobuf::RepeatedPtrField<v1::ComparatorValue>& cs,
                            const std::string& unit) {
  std::vector<std::string> parts;
  for (const auto& c : cs) {
    if (c.value().has_value()) parts.push_back(absl::StrCat(c.label(), " ", FormatValue(c.value(), unit)));
  }
  return absl::StrJoin(parts, ", ");
}

const char kNotPublishedByDfe[] = "not published by DfE";
bool DfeFiguresHeld(const std::string& status) { return status == "mapped" || status == "DfE release"; }

std::vector<std::string> FactGaps(const std::vector<const v1::Fact*>& facts) {
  std::vector<std::string> out;
  for (const v1::Fact* f : facts) {
    if (!f->gap().empty() && std::find(out.begin(), out.end(), f->gap()) == out.end()) out.push_back(f->gap());
  }
  return out;
}

const char kCoverageHeading[] = "Returns behind these figures";
const char kCoverageIntro[] =
    "Every return the year's figures are computed from, as carestat holds it: stored (the file and when), rejected "
    "(a file refused whole, nothing of it stored, with the reason) or missing (no file received). A figure that "
    "reads a rejected or missing return is not available, and its table, figure or section says so.";
const char kDifferencesHeading[] = "Figures that differ from those published";
const char kYearOnYearHeading[] = "Year on year";

AnnualLayout::AnnualLayout(const v1::AnnualReport& r) : previous_year(r.year()) {
  for (const auto& t : r.tables()) {
    if (t.periods_size() >= 2) previous_year = t.periods(t.periods_size() - 2);
  }
  for (const auto& f : r.facts()) {
    if (!by_section.count(f.section())) sections.push_back(f.section());
    by_section[f.section()].push_back(&f);
  }
  for (const auto& t : r.tables()) tables[t.id()] = &t;
  for (const auto& f : r.figures()) figures[f.id()] = &f;
}

const std::map<std::string, std::vector<std::string>>& AnnualLayout::Placed() {
  static const std::map<std::string, std::vector<std::string>> kPlaced = {
      {"Front door and assessment", {"table1", "table2"}},
      {"Child protection", {"figure1", "figure2"}},
      {"Looked-after children", {"figure3", "figure4", "table4", "figure5", "table5", "table6"}},
  };
  return kPlaced;
}

std::string NoDfeFigureWords(const std::string& status) {
  if (status == kNotPublishedByDfe) return kNotPublishedByDfe;
  if (status == "related, not comparable") return "no comparable DfE figure";
  if (status == "not in LAIT" || DfeFiguresHeld(status)) return "not held";
  return "";
}

const char kPublishedMarkNote[] =
    "\u2020 DfE's published figure for the year, from LAIT (DfE's Local Authority Interactive Tool) or, for a year or "
    "indicator LAIT does not hold, DfE's statistical release, where carestat "
    "holds no other comparator: England, London, and the average of the statistical neighbours that have a figure. "
    "DfE rank: among all LAs with a published figure, 1 the best by DfE's polarity, ties sharing a rank (\"not "
    "ranked\": DfE gives the figure no better direction, or published none for the council); quartile A (best) to D "
    "as LAIT bands them. \"not published by DfE\": no DfE collection holds the figure; \"not held (not in LAIT)\": "
    "DfE may publish it in a statistical release carestat has not read; \"no comparable DfE figure\": DfE publishes "
    "a near measure that is not the same figure.";

std::string RankWords(const v1::PublishedComparison& d, bool brief) {
  if (d.status() == kNotPublishedByDfe) return kNotPublishedByDfe;
  // DfE publishes these elsewhere, or something near them: the table says which.
  if (brief && d.status() == "not in LAIT") return "not held (not in LAIT)";
  if (brief && d.status() == "related, not comparable") return "no comparable DfE figure";
  if (!DfeFiguresHeld(d.status())) return "";
  if (d.rank() > 0) {
    std::string s = absl::StrCat("rank ", d.rank(), " of ", d.rank_of());
    if (!d.quartile().empty()) absl::StrAppend(&s, ", quartile ", d.quartile());
    return s;
  }
  if (d.rank_of() == 0) return brief ? "none published" : absl::StrCat("no LA's figure published for ", d.period());
  if (brief) return "not ranked";
  if (d.polarity() != "High" && d.polarity() != "Low") return "not ranked (DfE gives no better direction)";
  return absl::StrCat("not ranked (no figure published for the council; ", d.rank_of(), " LAs ranked)");
}

std::string PublishedWords(const v1::Fact& f) {
  const v1::PublishedComparison& d = f.dfe();
  if (d.status().empty()) return "";
  if (d.status() == kNotPublishedByDfe) return "Not published by DfE.";
  if (d.status() == "not in LAIT") return "DfE's published figures are not held (not in LAIT).";
  if (!DfeFiguresHeld(d.status())) return absl::StrCat("DfE publishes no comparable figure (", d.status(), ").");
  const bool any = d.value().has_value() || !d.published_text().empty() || d.england().has_value() ||
                   d.region().has_value() || d.neighbours().has_value();
  if (!any) return absl::StrCat("DfE published no figures for ", d.period(), ".");
  std::vector<std::string> parts;
  parts.push_back(absl::StrCat("the council ", d.value().has_value() ? FormatValue(d.value(), f.unit())
                                               : d.published_text() == "-"
                                                   ? "not published (suppressed or not collected)"
                                                   : "not published"));
  if (d.england().has_value()) parts.push_back(absl::StrCat("England ", FormatValue(d.england(), f.unit())));
  if (d.region().has_value())
    parts.push_back(absl::StrCat(d.region_name(), " ", FormatValue(d.region(), f.unit())));
  if (d.neighbours().has_value())
    parts.push_back(absl::StrCat("statistical neighbours ", FormatValue(d.neighbours(), f.unit()), " (",
                                 d.neighbours_with_value(), " of ", d.neighbours_listed(), " with a figure)"));
  return absl::StrCat(d.source(), ": ", absl::StrJoin(parts, ", "), "; ", RankWords(d), ".");
}

namespace {

ShownComparator ShownOf(const google::protobuf::RepeatedPtrField<v1::ComparatorValue>& comparators,
                        const v1::PublishedComparison& d, const std::string& unit, const std::string& prefix) {
  ShownComparator out;
  for (const auto& c : comparators) {
    if (c.entity().rfind(prefix, 0) == 0 && (c.value().has_value() || c.value().suppressed())) {
      out.cell = c.value();
      out.text = FormatValue(c.value(), unit);
      return out;
    }
  }
  if (d.status() == kNotPublishedByDfe) {
    out.text = kNotPublishedByDfe;
    return out;
  }
  const v1::Cell* published = nullptr;
  if (DfeFiguresHeld(d.status())) {
    if (prefix == "ENG") published = &d.england();
    else if (prefix == "LON" && d.region_name() == "London") published = &d.region();
    else if (prefix == "SN:") published = &d.neighbours();
  }
  if (published && published->has_value()) {
    out.cell = *published;
    out.text = FormatValue(*published, unit) + " \u2020";
    out.published = true;
    return out;
  }
  // London's column for an LA outside London is not the LA's region: not applicable.
  const bool not_london = prefix == "LON" && !d.region_name().empty() && d.region_name() != "London";
  const std::string why = not_london ? "not applicable" : NoDfeFigureWords(d.status());
  out.text = why.empty() ? kNotAvailable : why;
  out.cell.set_missing(why);
  return out;
}

}  // namespace

ShownComparator FactComparator(const v1::Fact& f, const std::string& prefix) {
  return ShownOf(f.comparators(), f.dfe(), f.unit(), prefix);
}

ShownComparator IndicatorComparator(const v1::AssessedIndicator& a, const std::string& prefix) {
  return ShownOf(a.comparators(), a.dfe(), a.unit(), prefix);
}

std::string FactSentence(const v1::Fact& f) {
  std::string s = absl::StrCat(f.label(), ": ", FormatValue(f.value(), f.unit()), " in ", f.period());
  if (f.previous().has_value() || f.previous().suppressed()) {
    absl::StrAppend(&s, ", compared with ", FormatValue(f.previous(), f.unit()), " in ", f.previous_period());
    const std::string change = ChangeWords(f.change(), f.change_pct(), f.unit());
    if (!change.empty()) absl::StrAppend(&s, " (", change, ")");
  }
  s += ".";
  const std::string comparators = ComparatorWords(f.comparators(), f.unit());
  const std::string& status = f.dfe().status();
  if (!comparators.empty()) absl::StrAppend(&s, " ", comparators, ".");
  else if (status == kNotPublishedByDfe) absl::StrAppend(&s, " No comparator figures: not published by DfE.");
  else if (status == "related, not comparable") absl::StrAppend(&s, " No comparable DfE figure.");
  else if (status == "not in LAIT") absl::StrAppend(&s, " No comparator figures are held.");
  else if (!DfeFiguresHeld(status)) absl::StrAppend(&s, " No comparator figures are available.");
  if (status != kNotPublishedByDfe) {
    const std::string published = PublishedWords(f);
    if (!published.empty()) absl::StrAppend(&s, " ", published);
  }
  if (f.has_target() && f.target().value().has_value()) {
    std::string label = f.target().label();
    if (!label.empty()) label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
    absl::StrAppend(&s, " ", label, ": ", FormatValue(f.target().value(), f.unit()), ".");
  }
  if (f.rating() != v1::RATING_UNSPECIFIED)
    absl::StrAppend(&s, " Rated ", RatingName(f.rating()), ": ", f.rating_reason(), ".");
  if (f.supplied()) s += " (Local measure.)";
  return s;
}

std::string ReconciliationDifference(const v1::Reconciliation& rec) {
  if (rec.difference().suppressed()) return kSuppressedMark;
  if (!rec.difference().has_value()) return kNotAvailable;
  if (std::abs(rec.difference().value()) < 0.05) return "0";
  return FormatDifference(rec.difference(), rec.unit());
}

const char kWhatDoWeKnow[] = "What do we know about the quality and impact of social work practice?";
const char kHowDoWeKnow[] = "How do we know it?";
const char kPlansQuestion[] = "What are our plans for the next 12 months to maintain or improve practice?";

std::string FindingSentence(const v1::Finding& f) {
  // The evidence opens with the years, oldest first; the comparator and target follow.
  std::vector<const v1::Evidence*> years;
  for (const auto& e : f.evidence()) {
    if (ParsePeriod(e.name())) years.push_back(&e);
  }
  std::string s = absl::StrCat(f.label(), ": ");
  if (years.empty()) {
    s += kNotAvailable;
  } else {
    const v1::Evidence& latest = *years.back();
    absl::StrAppend(&s, FormatValue(latest.value(), f.unit()), " in ", latest.name());
    std::vector<std::string> before;
    for (size_t i = years.size() - 1; i-- > 0;) {
      const v1::Cell& c = years[i]->value();
      if (c.has_value() || c.suppressed())
        before.push_back(absl::StrCat(FormatValue(c, f.unit()), " in ", years[i]->name()));
    }
    if (!before.empty()) absl::StrAppend(&s, " (", absl::StrJoin(before, ", "), ")");
  }
  absl::StrAppend(&s, ". ", f.statement(), ".");
  return s;
}

std::string EvidenceWords(const v1::Finding& f) {
  std::vector<std::string> parts;
  for (const auto& e : f.evidence()) parts.push_back(absl::StrCat(e.name(), ": ", FormatValue(e.value(), f.unit())));
  return absl::StrJoin(parts, "; ");
}

}  // namespace carestat
