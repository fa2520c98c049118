// HTML for both reports: one self-contained file (inline CSS and SVG, nothing fetched),
// laid out like the council's Cabinet report, with print styles for A4.
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/reporting/format.h"
#include "services/reporting/render/chart.h"
#include "services/reporting/render/narrative_text.h"
#include "services/reporting/render/render.h"
#include "services/reporting/render/text.h"
#include "services/reporting/reports/narrative.h"
#include "services/reporting/reports/rating.h"

namespace carestat {

namespace {

const char kCss[] = R"css(
:root{--ink:#0b0c0c;--muted:#505a5f;--rule:#b1b4b6;--brand:#1d70b8;--head:#1d3f6e;--zebra:#f3f2f1}
*{box-sizing:border-box}
body{font-family:Arial,Helvetica,sans-serif;color:var(--ink);margin:0 auto;max-width:62rem;padding:1.5rem 1.25rem 3rem;line-height:1.45;font-size:16px;background:#fff}
header.cover{border-top:10px solid var(--head);padding-top:.75rem;margin-bottom:1.5rem}
header.cover .org{font-weight:bold;letter-spacing:.08em;text-transform:uppercase;color:var(--head);margin:0}
h1{font-size:1.9rem;margin:.3rem 0 1rem;line-height:1.2}
h2{font-size:1.35rem;margin:2.2rem 0 .6rem;padding-bottom:.25rem;border-bottom:2px solid var(--head);color:var(--head)}
h3{font-size:1.1rem;margin:1.6rem 0 .4rem}
table{border-collapse:collapse;width:100%;font-size:.88rem;margin:.4rem 0 .3rem}
caption{text-align:left;font-weight:bold;padding:.3rem 0 .45rem;font-size:.98rem;color:var(--ink)}
th,td{border:1px solid var(--rule);padding:.32rem .45rem;vertical-align:top}
thead th{background:var(--head);color:#fff;font-weight:bold}
tbody tr:nth-child(even){background:var(--zebra)}
tbody th{text-align:left;font-weight:normal}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.num{white-space:nowrap}
td.na,td.wrap{white-space:normal}
table.seed{font-size:.84rem}
table.seed tbody th{min-width:13rem}
table.facts,table.assessment,table.findings{table-layout:fixed;font-size:.84rem}
th.c-measure{width:25%}th.c-change{width:12%}th.c-rank{width:8rem}th.c-dir{width:7.5rem}th.c-rating{width:6rem}
th.c-area{width:16%}th.c-finding{width:30%}
h4{font-size:1rem;margin:1.2rem 0 .3rem}h5{font-size:.95rem;margin:1rem 0 .3rem}
table.assessment{margin-top:1rem}table.assessment th.c-measure{width:19%}table.assessment th.c-dir{width:6.3rem}
table.assessment th.c-rank{width:6.8rem}ul.findings li{margin:.2rem 0}p.slot-empty,p.none{color:var(--muted);font-style:italic}
td.na{color:var(--muted);font-style:italic}
.stale{background:#FFF7BF;border-left:4px solid #D4351C;padding-left:.4em}
p.na{color:var(--muted);font-style:italic}
td.sup{font-weight:bold;color:var(--ink)}
header.cover table{width:auto;font-size:.92rem}
header.cover table th{background:#eef2f7;text-align:left;width:11rem;font-weight:bold}
header.cover table td,header.cover table th{border-color:#d0d6de}
p.source{font-size:.8rem;color:var(--muted);margin:.1rem 0 1rem}
p.gap{border-left:5px solid #d4351c;padding:.3rem .6rem;background:#fdf1ef}
p.note{font-size:.9rem;color:var(--ink);background:#eef2f7;border-left:5px solid var(--brand);padding:.5rem .75rem}
p.internal{border-left-color:#d4351c}
figure{margin:1.2rem 0 1.6rem;padding:0;page-break-inside:avoid;break-inside:avoid}
figcaption{font-weight:bold;margin-bottom:.4rem}
svg.chart{display:block;max-width:100%;height:auto;border:1px solid #e1e1e1;background:#fff}
.rag{display:inline-block;min-width:4.6rem;text-align:center;padding:.05rem .4rem;border-radius:3px;font-weight:bold;font-size:.8rem;
  -webkit-print-color-adjust:exact;print-color-adjust:exact}
.rag-green{background:#00703c;color:#fff}.rag-amber{background:#ffdd00;color:#0b0c0c}.rag-red{background:#d4351c;color:#fff}
.rag-none{background:#fff;color:var(--muted);font-weight:normal;border:1px solid #d0d0d0}
.dir-improving{color:#00703c;font-weight:bold}.dir-deteriorating{color:#d4351c;font-weight:bold}.dir-stable{color:var(--ink)}
.dir-none{color:var(--muted)}
ul.facts li{margin-bottom:.35rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(10.5rem,1fr));gap:.6rem;margin:.8rem 0}
.card{border:1px solid var(--rule);border-top:5px solid var(--brand);padding:.5rem .65rem}
.card .big{font-size:1.6rem;font-weight:bold;display:block}
.card .small{font-size:.8rem;color:var(--muted)}
nav.toc ol{columns:2;font-size:.92rem}
.visually-hidden{position:absolute!important;width:1px!important;height:1px!important;margin:-1px!important;padding:0!important;
  overflow:hidden!important;clip:rect(0 0 0 0)!important;white-space:nowrap!important;border:0!important}
footer{margin-top:2.5rem;font-size:.8rem;color:var(--muted);border-top:1px solid var(--rule);padding-top:.5rem}
/* Print (and carestat report --format pdf, which prints this page in Chromium): A4 with
   page numbers in the margin, each chapter on a new page, no table row, figure or note
   cut in two, a long table's header repeated, each figure's data table shown, and
   nothing that only works on screen (the contents' links). */
@page{size:A4;margin:15mm 14mm 18mm;
  @bottom-right{content:"Page " counter(page) " of " counter(pages);font:8.5pt Arial,Helvetica,sans-serif;color:#505a5f}}
@page landscape{size:A4 landscape}
@media print{
  body{max-width:none;padding:0;font-size:10.5pt}
  nav.toc{display:none}
  section.chapter{break-before:page;page-break-before:always}
  header.cover+section.chapter,nav.toc+section.chapter{break-before:auto;page-break-before:auto}
  h2,h3,caption,figcaption{page-break-after:avoid;break-after:avoid}
  table{page-break-inside:auto;break-inside:auto}
  table.facts,table.seed{page-break-inside:avoid;break-inside:avoid}
  tr,th,td,figure,svg.chart,p.note,.card,li{page-break-inside:avoid;break-inside:avoid}
  p{orphans:3;widows:3}
  thead{display:table-header-group}
  thead th,tbody tr:nth-child(even){-webkit-print-color-adjust:exact;print-color-adjust:exact}
  .cards{grid-template-columns:repeat(3,1fr)}
  svg.chart{border:none}
  a{color:inherit;text-decoration:none}
  /* A figure's data table is for screen readers on screen; on paper it is the only
     place the comparators' values can be read, so it is printed under its chart. */
  /* On A4 the screen's fixed column widths leave a comparator column narrower than
     "621,470 †": each table sizes its columns to their contents instead, smaller. */
  table.facts,table.assessment,table.findings{table-layout:auto;font-size:8pt}
  table.facts th[class*="c-"],table.assessment th[class*="c-"],table.findings th[class*="c-"]{width:auto}
  th,td{padding:.22rem .3rem}
  /* The self-evaluation's evidence tables have fifteen columns: each area prints on A4
     landscape, and no cell wraps (a year or "in-house" split at its hyphen reads wrong). */
  section.area{page:landscape}
  table.assessment{font-size:7pt}
  table.assessment th,table.assessment td{white-space:nowrap}
  table.reconciliation td:not(:last-child),table.dq td.num{white-space:nowrap}
  figure table.visually-hidden{position:static!important;width:100%!important;height:auto!important;
    margin:.4rem 0 .3rem!important;overflow:visible!important;clip:auto!important;white-space:normal!important}
}
)css";

// The report's title in each printed page's bottom-left margin, as a CSS string: quotes
// and backslashes escaped, and '<' as \3c so the text cannot close the <style>.
std::string PrintTitle(const std::string& title) {
  std::string css;
  for (char c : title) {
    if (c == '"' || c == '\\') css += '\\';
    if (c == '<') css += "\\3c ";
    else if (c == '\n' || c == '\r') css += ' ';
    else css += c;
  }
  return absl::StrCat("@page{@bottom-left{content:\"", css,
                      "\";font:8.5pt Arial,Helvetica,sans-serif;color:#505a5f}}");
}

std::string Head(const std::string& title) {
  return absl::StrCat("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
                      HtmlEscape(title), "</title>\n<style>", kCss, "</style>\n<style>", PrintTitle(title),
                      "</style>\n</head>\n<body>\n");
}

std::string Td(const v1::Cell& c, const std::string& text, const char* extra = "") {
  const char* cls = c.suppressed() ? "num sup" : (c.has_value() ? "num" : "num na");
  return absl::StrCat("<td class=\"", cls, extra, "\">", HtmlEscape(text), "</td>");
}

std::string Rag(v1::Rating r, const std::string& reason) {
  const std::string name = RatingName(r);
  const char* cls = r == v1::GREEN ? "rag-green" : r == v1::AMBER ? "rag-amber" : r == v1::RED ? "rag-red" : "rag-none";
  std::string label = name;
  if (!label.empty()) label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
  return absl::StrCat("<span class=\"rag ", cls, "\" title=\"", HtmlEscape(reason), "\">", HtmlEscape(label),
                      "</span>");
}

std::string Direction(v1::Direction d) {
  const char* cls = d == v1::IMPROVING      ? "dir-improving"
                    : d == v1::DETERIORATING ? "dir-deteriorating"
                    : d == v1::STABLE        ? "dir-stable"
                                             : "dir-none";
  const char* mark = d == v1::IMPROVING ? "&#9650; " : d == v1::DETERIORATING ? "&#9660; " : d == v1::STABLE ? "&#9644; " : "";
  return absl::StrCat("<span class=\"", cls, "\">", mark, HtmlEscape(DirectionName(d)), "</span>");
}

std::string Cover(const std::string& title, const std::string& la, const std::string& la_name,
                  const std::string& year, int64_t generated, bool published) {
  std::string h = absl::StrCat(
      "<header class=\"cover\">\n<p class=\"org\">", HtmlEscape(la_name.empty() ? "LA " + la : la_name),
      " &middot; Cabinet</p>\n<h1>", HtmlEscape(title), "</h1>\n<table>\n<caption class=\"visually-hidden\">"
      "About this report</caption>\n<tbody>\n<tr><th scope=\"row\">Local authority</th><td>",
      HtmlEscape(LaWords(la, la_name)), "</td></tr>\n<tr><th scope=\"row\">Period</th><td>",
      HtmlEscape(PeriodWords(year)), "</td></tr>\n<tr><th scope=\"row\">Status</th><td>",
      HtmlEscape(StatusWords(published)), "</td></tr>\n");
  if (generated > 0)
    absl::StrAppend(&h, "<tr><th scope=\"row\">Prepared</th><td>", HtmlEscape(DateWords(generated)),
                    " by carestat from the returns' aggregate figures</td></tr>\n");
  h += "</tbody>\n</table>\n</header>\n";
  return h;
}

std::string Notes(bool published, const std::vector<std::string>& rules) {
  std::string h = "<section class=\"chapter\" id=\"notes\">\n<h2>Notes on the figures</h2>\n";
  for (const auto& r : rules) absl::StrAppend(&h, "<p>", HtmlEscape(r), "</p>\n");
  absl::StrAppend(&h, "<p>", HtmlEscape(kRoundingNote), "</p>\n<p>",
                  HtmlEscape(published ? kDisclosureNote : kInternalNote), "</p>\n</section>\n");
  return h;
}

std::string SeedTable(const v1::Table& t) {
  std::string h = absl::StrCat("<table id=\"", HtmlEscape(t.id()), "\" class=\"seed\">\n<caption>Table ",
                               HtmlEscape(t.number()), ": ", HtmlEscape(t.title()),
                               "</caption>\n<thead><tr><th scope=\"col\">Measure</th>");
  for (const auto& p : t.periods()) absl::StrAppend(&h, "<th scope=\"col\" class=\"num\">", HtmlEscape(YearSlash(p)), "</th>");
  if (!t.hide_changes())
    h += "<th scope=\"col\" class=\"num\">1 year % change</th><th scope=\"col\" class=\"num\">5 year % change</th>";
  for (const auto& l : t.comparator_labels()) absl::StrAppend(&h, "<th scope=\"col\" class=\"num\">", HtmlEscape(l), "</th>");
  h += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows()) {
    absl::StrAppend(&h, "<tr data-indicator=\"", HtmlEscape(row.indicator()), "\"><th scope=\"row\">",
                    HtmlEscape(row.label()), "</th>");
    for (const auto& v : row.values()) h += Td(v, FormatValue(v, row.unit()));
    if (!t.hide_changes()) {
      h += Td(row.change_1y_pct(), FormatChange(row.change_1y_pct()));
      h += Td(row.change_5y_pct(), FormatChange(row.change_5y_pct()));
    }
    for (const auto& c : row.comparators()) h += Td(c, FormatValue(c, row.unit()));
    h += "</tr>\n";
  }
  absl::StrAppend(&h, "</tbody>\n</table>\n<p class=\"source\">Source: ", HtmlEscape(t.source()), "</p>\n");
  if (!t.gap().empty()) absl::StrAppend(&h, "<p class=\"gap\"><strong>Missing:</strong> ", HtmlEscape(t.gap()), "</p>\n");
  return h;
}

std::string FigureBlock(const v1::Figure& f) {
  const std::string id = HtmlEscape(f.id());
  std::string h = absl::StrCat("<figure id=\"", id, "\">\n<figcaption>Figure ", HtmlEscape(f.number()), ": ",
                               HtmlEscape(f.title()), "</figcaption>\n", SvgChart(f, f.id() + "-chart"));
  // The chart's figures for screen readers (and anyone who wants the numbers).
  absl::StrAppend(&h, "<table id=\"", id, "-data\" class=\"visually-hidden\">\n<caption>Data for figure ",
                  HtmlEscape(f.number()), ": ", HtmlEscape(f.title()),
                  "</caption>\n<thead><tr><th scope=\"col\">Series</th>");
  for (const auto& p : f.periods()) absl::StrAppend(&h, "<th scope=\"col\" class=\"num\">", HtmlEscape(YearSlash(p)), "</th>");
  h += "</tr></thead>\n<tbody>\n";
  for (const auto& s : f.series()) {
    absl::StrAppend(&h, "<tr><th scope=\"row\">", HtmlEscape(s.label()), "</th>");
    for (const auto& v : s.values()) h += Td(v, FormatValue(v, f.unit()));
    h += "</tr>\n";
  }
  bool neighbours = false;
  for (const auto& s : f.series()) neighbours = neighbours || s.entity().rfind("SN:", 0) == 0;
  absl::StrAppend(&h, "</tbody>\n</table>\n<p class=\"source\">Source: ", HtmlEscape(f.source()),
                  neighbours ? ". Statistical neighbours: the average of the council's statistical neighbours." : "",
                  "</p>\n");
  if (!f.gap().empty()) absl::StrAppend(&h, "<p class=\"gap\"><strong>Missing:</strong> ", HtmlEscape(f.gap()), "</p>\n");
  h += "</figure>\n";
  return h;
}

std::string FactsTable(const std::vector<const v1::Fact*>& facts, const std::string& caption, const std::string& year,
                       const std::string& previous) {
  std::string h = absl::StrCat("<table class=\"facts\">\n<caption>", HtmlEscape(caption),
                               "</caption>\n<thead><tr><th scope=\"col\" class=\"c-measure\">Measure</th><th scope=\"col\" class=\"num\">",
                               HtmlEscape(YearSlash(year)), "</th><th scope=\"col\" class=\"num\">",
                               HtmlEscape(YearSlash(previous)),
                               "</th><th scope=\"col\" class=\"num c-change\">Change</th><th scope=\"col\" class=\"num\">England"
                               "</th><th scope=\"col\" class=\"num\">London</th><th scope=\"col\" class=\"num\">Stat. "
                               "neighbours</th><th scope=\"col\" class=\"c-rank\">DfE rank</th><th scope=\"col\" class=\"num\">Target</th><th scope=\"col\" class=\"c-rating\">Rating</th>"
                               "</tr></thead>\n<tbody>\n");
  bool marked = false;
  for (const v1::Fact* f : facts) {
    std::string label = f->label();
    if (f->period() != year) absl::StrAppend(&label, " (", f->period(), " and ", f->previous_period(), ")");
    absl::StrAppend(&h, "<tr data-indicator=\"", HtmlEscape(f->indicator()), "\"><th scope=\"row\">", HtmlEscape(label),
                    f->supplied() ? " <small>(local measure)</small>" : "", "</th>", Td(f->value(), FormatValue(f->value(), f->unit())),
                    Td(f->previous(), FormatValue(f->previous(), f->unit())));
    const std::string change = ChangeWords(f->change(), f->change_pct(), f->unit());
    v1::Cell change_cell = f->change();
    h += Td(change_cell, change.empty() ? kNotAvailable : change, " wrap");
    for (const char* prefix : {"ENG", "LON", "SN:"}) {
      ShownComparator c = FactComparator(*f, prefix);
      marked |= c.published;
      h += Td(c.cell, c.text, c.published ? " dfe" : "");
    }
    marked |= !f->dfe().status().empty();
    const std::string rank = RankWords(f->dfe(), true);
    absl::StrAppend(&h, "<td", rank.empty() ? " class=\"na\"" : "", ">", HtmlEscape(rank.empty() ? kNotAvailable : rank),
                    "</td>");
    if (f->has_target()) h += Td(f->target().value(), FormatValue(f->target().value(), f->unit()));
    else h += "<td class=\"num na\">none</td>";
    absl::StrAppend(&h, "<td>", Rag(f->rating(), f->rating_reason()), "</td></tr>\n");
  }
  h += "</tbody>\n</table>\n";
  if (marked) absl::StrAppend(&h, "<p class=\"note\">", HtmlEscape(kPublishedMarkNote), "</p>\n");
  return h;
}

const v1::Fact* FindFact(const v1::AnnualReport& r, const std::string& indicator) {
  for (const auto& f : r.facts()) {
    if (f.indicator() == indicator && f.breakdown().empty()) return &f;
  }
  return nullptr;
}

std::string Card(const std::string& title, const v1::Cell& now, const v1::Cell& before, const std::string& unit,
                 const std::string& previous_year) {
  std::string change;
  if (now.suppressed() || before.suppressed()) {
    change = kSuppressedMark;
  } else if (now.has_value() && before.has_value() && before.value() != 0) {
    v1::Cell c;
    c.set_has_value(true);
    c.set_value((now.value() - before.value()) / before.value() * 100);
    change = FormatChange(c);
  }
  return absl::StrCat("<div class=\"card\"><span class=\"small\">", HtmlEscape(title), "</span><span class=\"big\">",
                      HtmlEscape(FormatValue(now, unit)), "</span><span class=\"small\">",
                      HtmlEscape(absl::StrCat(YearSlash(previous_year), ": ", FormatValue(before, unit))),
                      change.empty() ? "" : absl::StrCat(" (", HtmlEscape(change), ")"), "</span></div>\n");
}

// The year's returns as stored, rejected or missing.
std::string CoverageTableHtml(const google::protobuf::RepeatedPtrField<v1::ReturnCoverage>& coverage) {
  std::string h =
      "<table class=\"dq coverage\">\n<caption>The year's returns</caption>\n<thead><tr><th scope=\"col\">Return</th>"
      "<th scope=\"col\">Status</th><th scope=\"col\">File</th><th scope=\"col\">Detail</th><th scope=\"col\">"
      "Read by</th></tr></thead>\n<tbody>\n";
  for (const auto& c : coverage) {
    absl::StrAppend(&h, "<tr class=\"", c.status() == "stored" ? "stored" : "gap", "\"><th scope=\"row\">",
                    HtmlEscape(c.name()), "</th><td>", HtmlEscape(c.status()), "</td><td>",
                    HtmlEscape(c.file().empty() ? "none" : c.file()), "</td><td>", HtmlEscape(c.detail()), "</td><td>",
                    HtmlEscape(c.feeds().empty() ? "another return of the year" : c.feeds()), "</td></tr>\n");
  }
  h += "</tbody>\n</table>\n";
  return h;
}

// The council's computed figures beside published ones (the self-assessment's
// reconciliation with DfE; the annual report's differences, each with its publisher).
std::string ReconciliationHtml(const google::protobuf::RepeatedPtrField<v1::Reconciliation>& rows, bool publisher) {
  if (rows.empty()) return "";
  std::string h = publisher
                      ? "<table class=\"dq reconciliation\">\n<caption>carestat's figures beside those DfE and the "
                        "council published</caption>\n<thead><tr><th scope=\"col\">Indicator</th><th "
                        "scope=\"col\">Year</th><th scope=\"col\">Published by</th><th scope=\"col\" "
                        "class=\"num\">carestat's figure</th><th scope=\"col\" class=\"num\">Published figure</th>"
                      : "<table class=\"dq reconciliation\">\n<caption>The council's computed figures beside DfE's "
                        "published figures</caption>\n<thead><tr><th scope=\"col\">Indicator</th><th "
                        "scope=\"col\">Year</th><th scope=\"col\" class=\"num\">Council's figure</th><th "
                        "scope=\"col\" class=\"num\">DfE's figure</th>";
  absl::StrAppend(&h, "<th scope=\"col\" class=\"num\">Difference</th><th scope=\"col\">",
                  publisher ? "Reason" : "Known reason", "</th></tr></thead>\n<tbody>\n");
  for (const auto& rec : rows) {
    absl::StrAppend(&h, "<tr data-indicator=\"", HtmlEscape(rec.indicator()), "\"><th scope=\"row\">",
                    HtmlEscape(rec.label()), "</th><td>", HtmlEscape(rec.period()), "</td>");
    if (publisher) absl::StrAppend(&h, "<td>", HtmlEscape(rec.publisher()), "</td>");
    absl::StrAppend(&h, Td(rec.computed(), FormatValue(rec.computed(), rec.unit())),
                    Td(rec.published(), FormatValue(rec.published(), rec.unit())),
                    Td(rec.difference(), ReconciliationDifference(rec)), "<td>",
                    HtmlEscape(rec.reason().empty() ? "within DfE's rounding" : rec.reason()), "</td></tr>\n");
  }
  return h + "</tbody>\n</table>\n";
}

// The data-quality evidence of the impact of leaders: the returns' validation and the
// reconciliation of the council's figures with DfE's published ones.
std::string DataQualityHtml(const v1::DataQuality& dq) {
  std::string h = "<div id=\"data-quality\">\n<h4>Data quality</h4>\n";
  absl::StrAppend(&h, "<p>",
                  HtmlEscape(dq.available() ? dq.note() : "Data quality: " + dq.note()), "</p>\n");
  if (dq.coverage_size() > 0) {
    absl::StrAppend(&h, "<h5>", kCoverageHeading, "</h5>\n<p>", HtmlEscape(kCoverageIntro), "</p>\n",
                    CoverageTableHtml(dq.coverage()));
  }
  if (dq.available() && dq.returns_size() > 0) {
    h += "<table class=\"dq\">\n<caption>Returns for the year and their validation</caption>\n<thead><tr><th "
         "scope=\"col\">Return</th><th scope=\"col\">File</th><th scope=\"col\" class=\"num\">Children</th><th "
         "scope=\"col\" class=\"num\">Records</th><th scope=\"col\" class=\"num\">Errors</th><th scope=\"col\" "
         "class=\"num\">Queries</th><th scope=\"col\">Against last year</th><th scope=\"col\">Most frequent "
         "rules</th></tr></thead>\n<tbody>\n";
    for (const auto& q : dq.returns()) {
      long long records = 0;
      for (const auto& [k, c] : q.record_counts()) records += c;
      std::string rules;
      for (const auto& rc : q.rules()) {
        absl::StrAppend(&rules, rules.empty() ? "" : "<br>", HtmlEscape(absl::StrCat(rc.severity(), " ", rc.rule(), " (",
                                                                                      rc.count(), "): ", rc.message())));
      }
      absl::StrAppend(&h, "<tr><th scope=\"row\">", HtmlEscape(q.dataset()), "</th><td>", HtmlEscape(q.file_name()),
                      "</td><td class=\"num\">", FormatNumber(q.children(), "count"), "</td><td class=\"num\">",
                      FormatNumber(records, "count"), "</td><td class=\"num\">", FormatNumber(q.errors(), "count"),
                      "</td><td class=\"num\">", FormatNumber(q.queries(), "count"), "</td><td>",
                      HtmlEscape(QualityAgainstLastYear(q)), "</td><td>", rules.empty() ? "none" : rules,
                      "</td></tr>\n");
    }
    h += "</tbody>\n</table>\n";
  }
  if (!dq.reconciliation_note().empty()) {
    absl::StrAppend(&h, "<h5>Reconciliation with DfE's published figures</h5>\n<p>",
                    HtmlEscape(dq.reconciliation_note()), "</p>\n");
    h += ReconciliationHtml(dq.reconciliation(), false);
  }
  h += "</div>\n";
  return h;
}

}  // namespace


// The council's cover sheet (the Cabinet paper's), recommendations and reasons; "" without a narrative.
std::string NarrativeCoverHtml(const v1::AnnualReport& r) {
  if (!HasNarrative(r)) return "";
  const v1::Narrative& n = r.narrative();
  std::string h = "<section class=\"cover-sheet\" id=\"cover-sheet\">\n<h2>Cover sheet</h2>\n<table class=\"cover-sheet\">\n"
                  "<caption class=\"visually-hidden\">The report's cover sheet</caption>\n";
  for (const auto& c : n.cover()) {
    absl::StrAppend(&h, "<tr><th scope=\"row\">", HtmlEscape(c.label()), "</th><td",
                    c.value().empty() ? " class=\"na\"" : "", ">", HtmlEscape(c.value().empty() ? kNotYetWritten : c.value()),
                    "</td></tr>\n");
  }
  h += "</table>\n";
  for (const auto& [title, list] : {std::pair{"Recommendation(s)", &n.recommendations()}, std::pair{"Reason(s)", &n.reasons()}}) {
    absl::StrAppend(&h, "<h3>", title, "</h3>\n");
    if (list->empty()) absl::StrAppend(&h, "<p class=\"na\">", title, ": ", kNotYetWritten, ".</p>\n");
    else h += "<ol>\n";
    for (const auto& item : *list) absl::StrAppend(&h, "<li>", EmphasisHtml(item), "</li>\n");
    if (!list->empty()) h += "</ol>\n";
  }
  return h + "</section>\n";
}

std::string NarrativeImplicationsHtml(const v1::AnnualReport& r, int number) {
  if (!HasNarrative(r)) return "";
  std::string h = absl::StrCat("<section class=\"chapter\" id=\"implications\">\n<h2>", number, ". Implications</h2>\n");
  for (const auto& [name, anchor] : NarrativeImplications()) {
    absl::StrAppend(&h, "<h3>", HtmlEscape(name), "</h3>\n");
    const v1::NarrativeSection* s = NarrativeFor(r, anchor);
    h += s != nullptr ? NarrativeHtml(s)
                      : absl::StrCat("<p class=\"na\">", HtmlEscape(name), " implications: ", kNotYetWritten, ".</p>\n");
  }
  return h + "</section>\n";
}

std::string RenderHtml(const v1::AnnualReport& r, bool published) {
  const std::string title = absl::StrCat("Children's Social Care Annual Report ", YearSlash(r.year()));
  std::string h = Head(absl::StrCat(r.la_name().empty() ? "LA " + r.la() : r.la_name(), ": ", title));
  h += Cover(title, r.la(), r.la_name(), r.year(), r.generated_unix_ms(), published);
  // The sections, tables and figures, and where each sits (text.h, shared with docx.cc).
  AnnualLayout layout(r);
  const std::string& previous_year = layout.previous_year;
  const std::vector<std::string>& sections = layout.sections;
  auto& by_section = layout.by_section;
  const auto& tables = layout.tables;
  const auto& figures = layout.figures;
  const auto& kPlaced = AnnualLayout::Placed();

  h += "<nav class=\"toc\" aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n<li><a href=\"#summary\">Summary</a></li>\n";
  for (size_t i = 0; i < sections.size(); ++i)
    absl::StrAppend(&h, "<li><a href=\"#section-", i + 1, "\">", HtmlEscape(sections[i]), "</a></li>\n");
  if (HasNarrative(r)) h += "<li><a href=\"#implications\">Implications</a></li>\n";
  h += "<li><a href=\"#key-figures\">Key figures, comparators and ratings</a></li>\n";
  if (r.year_on_year().rows_size() > 0)
    absl::StrAppend(&h, "<li><a href=\"#year-on-year\">", kYearOnYearHeading, "</a></li>\n");
  absl::StrAppend(&h, "<li><a href=\"#returns\">", kCoverageHeading, "</a></li>\n");
  if (!r.differences_note().empty())
    absl::StrAppend(&h, "<li><a href=\"#differences\">", kDifferencesHeading, "</a></li>\n");
  h += "<li><a href=\"#notes\">Notes on the figures</a></li>\n</ol>\n</nav>\n";

  h += NarrativeCoverHtml(r);
  // Summary.
  h += "<section class=\"chapter\" id=\"summary\">\n<h2>1. Summary</h2>\n";
  h += NarrativeHtml(NarrativeFor(r, "summary"));
  absl::StrAppend(&h, "<p>This report gives an overview of safeguarding and looked after children activity and "
                      "performance in ", HtmlEscape(r.la_name().empty() ? "LA " + r.la() : r.la_name()), " for ",
                  HtmlEscape(YearSlash(r.year())),
                  ", with comparisons to statistical neighbours, London and England where those figures are "
                  "available.</p>\n");
  if (!published) absl::StrAppend(&h, "<p class=\"note internal\">", HtmlEscape(kInternalNote), "</p>\n");
  else absl::StrAppend(&h, "<p class=\"note\">", HtmlEscape(kDisclosureNote), "</p>\n");
  h += "<div class=\"cards\">\n";
  if (auto it = tables.find("table1"); it != tables.end()) {
    for (const auto& row : it->second->rows()) {
      if (row.indicator() == "contacts" || row.indicator() == "referrals") {
        const int n = row.values_size();
        if (n >= 2) h += Card(row.indicator() == "contacts" ? "Contacts" : "Referrals", row.values(n - 1),
                              row.values(n - 2), row.unit(), previous_year);
      }
    }
  }
  for (const auto& [id, words] : std::vector<std::pair<std::string, std::string>>{
           {"cin_open_year_end", "Open social care cases"},
           {"cpp_year_end", "Children on a child protection plan"},
           {"lac_year_end", "Looked-after children"},
           {"adoptions", "Children adopted"}}) {
    if (const v1::Fact* f = FindFact(r, id)) h += Card(words, f->value(), f->previous(), f->unit(), f->previous_period());
  }
  h += "</div>\n";
  int counts[4] = {0, 0, 0, 0};
  for (const auto& f : r.facts()) ++counts[f.rating() >= 0 && f.rating() <= 3 ? f.rating() : 0];
  absl::StrAppend(&h, "<p>Ratings of the ", r.facts_size(), " figures this report quotes: green ", counts[v1::GREEN],
                  ", amber ", counts[v1::AMBER], ", red ", counts[v1::RED], "; not rated ",
                  counts[v1::RATING_UNSPECIFIED],
                  " (no better direction, or no target or comparator). How ratings are given is set out in the "
                  "notes.</p>\n</section>\n");

  int n = 1;
  for (const auto& section : sections) {
    ++n;
    absl::StrAppend(&h, "<section class=\"chapter\" id=\"section-", n - 1, "\">\n<h2>", n, ". ", HtmlEscape(section),
                    "</h2>\n");
    h += NarrativeHtml(NarrativeFor(r, "section:" + section));
    if (auto placed = kPlaced.find(section); placed != kPlaced.end()) {
      for (const auto& id : placed->second) {
        h += NarrativeHtml(NarrativeFor(r, id));
        if (auto t = tables.find(id); t != tables.end()) h += SeedTable(*t->second);
        if (auto f = figures.find(id); f != figures.end()) h += FigureBlock(*f->second);
      }
    }
    for (const auto& gap : FactGaps(by_section[section]))
      absl::StrAppend(&h, "<p class=\"gap\"><strong>Missing:</strong> ", HtmlEscape(gap), "</p>\n");
    h += "<ul class=\"facts\">\n";
    for (const v1::Fact* f : by_section[section]) absl::StrAppend(&h, "<li>", HtmlEscape(FactSentence(*f)), "</li>\n");
    h += "</ul>\n</section>\n";
  }
  // Tables and figures no section placed (a report without facts).
  for (const auto& t : r.tables()) {
    bool placed = false;
    for (const auto& [s, ids] : kPlaced) {
      for (const auto& id : ids) placed = placed || (id == t.id() && by_section.count(s));
    }
    if (!placed) h += NarrativeHtml(NarrativeFor(r, t.id())) + SeedTable(t);
  }
  for (const auto& f : r.figures()) {
    bool placed = false;
    for (const auto& [s, ids] : kPlaced) {
      for (const auto& id : ids) placed = placed || (id == f.id() && by_section.count(s));
    }
    if (!placed) h += NarrativeHtml(NarrativeFor(r, f.id())) + FigureBlock(f);
  }
  if (HasNarrative(r)) h += NarrativeImplicationsHtml(r, ++n);

  absl::StrAppend(&h, "<section class=\"chapter\" id=\"key-figures\">\n<h2>", ++n,
                  ". Key figures, comparators and ratings</h2>\n");
  for (const auto& section : sections) {
    h += FactsTable(by_section[section], section, r.year(), previous_year);
  }
  h += "</section>\n";
  if (r.year_on_year().rows_size() > 0) {
    const v1::YearOnYear& y = r.year_on_year();
    const bool last = !y.previous_report().empty();
    absl::StrAppend(&h, "<section class=\"chapter\" id=\"year-on-year\">\n<h2>", ++n, ". ", kYearOnYearHeading,
                    "</h2>\n<p>", HtmlEscape(y.note()), "</p>\n<table class=\"facts\">\n<caption>",
                    HtmlEscape(r.year()), " against ", HtmlEscape(y.previous_year()),
                    "</caption>\n<thead><tr><th scope=\"col\" class=\"c-measure\">Measure</th><th scope=\"col\" "
                    "class=\"num\">", HtmlEscape(YearSlash(y.previous_year())), "</th><th scope=\"col\" class=\"num\">",
                    HtmlEscape(YearSlash(r.year())), "</th><th scope=\"col\" class=\"num c-change\">Change</th><th "
                    "scope=\"col\">Direction</th>",
                    last ? absl::StrCat("<th scope=\"col\">In ", HtmlEscape(y.previous_report()), "</th>") : "",
                    "</tr></thead>\n<tbody>\n");
    for (const auto& row : y.rows()) {
      const std::string change = ChangeWords(row.change(), row.change_pct(), row.unit());
      absl::StrAppend(&h, "<tr data-indicator=\"", HtmlEscape(row.indicator()), "\"><th scope=\"row\">",
                      HtmlEscape(row.label()), "</th>", Td(row.previous(), FormatValue(row.previous(), row.unit())),
                      Td(row.value(), FormatValue(row.value(), row.unit())),
                      Td(row.change(), change.empty() ? kNotAvailable : change, " wrap"), "<td>",
                      HtmlEscape(DirectionName(row.direction())), "</td>");
      if (last) {
        absl::StrAppend(&h, "<td", row.revision().empty() ? "" : " class=\"revised\"", ">",
                        HtmlEscape(!row.revision().empty()            ? row.revision()
                                   : row.last_report().has_value() ? "as printed"
                                                                   : "not in it"),
                        "</td>");
      }
      h += "</tr>\n";
    }
    h += "</tbody>\n</table>\n</section>\n";
  }
  absl::StrAppend(&h, "<section class=\"chapter\" id=\"returns\">\n<h2>", ++n, ". ", kCoverageHeading, "</h2>\n<p>",
                  HtmlEscape(kCoverageIntro), "</p>\n");
  if (r.coverage_size() == 0) {
    absl::StrAppend(&h, "<p class=\"gap\">", HtmlEscape(r.coverage_note()), "</p>\n");
  } else {
    h += CoverageTableHtml(r.coverage());
  }
  h += "</section>\n";
  if (!r.differences_note().empty()) {
    absl::StrAppend(&h, "<section class=\"chapter\" id=\"differences\">\n<h2>", ++n, ". ", kDifferencesHeading,
                    "</h2>\n<p>", HtmlEscape(r.differences_note()), "</p>\n", ReconciliationHtml(r.differences(), true),
                    "</section>\n");
  }
  std::vector<std::string> notes = {r.rating_rule()};
  if (!r.narrative().stale().empty()) notes.push_back(StaleNote(r.narrative().stale()));
  h += Notes(published, notes);
  absl::StrAppend(&h, "<footer>", HtmlEscape(LaWords(r.la(), r.la_name())), " &middot; ", HtmlEscape(title),
                  " &middot; ", HtmlEscape(StatusWords(published)), "</footer>\n</body>\n</html>\n");
  return h;
}

std::string RenderHtml(const v1::SelfAssessment& sa, bool published) {
  const std::string title = absl::StrCat("Children's Social Care Annual Self-Assessment ", YearSlash(sa.year()));
  std::string h = Head(absl::StrCat(sa.la_name().empty() ? "LA " + sa.la() : sa.la_name(), ": ", title));
  h += Cover(title, sa.la(), sa.la_name(), sa.year(), sa.generated_unix_ms(), published);

  h += "<nav class=\"toc\" aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n<li><a href=\"#summary\">Summary</a></li>\n";
  for (const auto& a : sa.areas())
    absl::StrAppend(&h, "<li><a href=\"#", HtmlEscape(a.id()), "\">", HtmlEscape(a.title()), "</a></li>\n");
  h += "<li><a href=\"#notes\">Notes on the figures</a></li>\n</ol>\n</nav>\n";

  int ratings[4] = {0, 0, 0, 0}, directions[4] = {0, 0, 0, 0}, total = 0;
  for (const auto& s : sa.sections()) {
    for (const auto& a : s.indicators()) {
      ++total;
      ++ratings[a.rating() >= 0 && a.rating() <= 3 ? a.rating() : 0];
      ++directions[a.direction() >= 0 && a.direction() <= 3 ? a.direction() : 0];
    }
  }
  int n = 0;
  // The cards' counts are the lengths of the lists in the areas: one finding, one <li>.
  absl::StrAppend(&h, "<section class=\"chapter\" id=\"summary\">\n<h2>", ++n, ". Summary</h2>\n<p>This self-evaluation "
                  "of social work practice in ", HtmlEscape(sa.la_name().empty() ? "LA " + sa.la() : sa.la_name()),
                  " for ", HtmlEscape(YearSlash(sa.year())), " follows Ofsted's ILACS framework: for each of its ",
                  sa.areas_size(), " judgement areas, what we know about the quality and impact of social work "
                  "practice, how we know it (", total, " indicators with their three-year trend, comparators, DfE's "
                  "rank, target and rating, with audit findings, children's and families' voices and workforce "
                  "evidence), and our plans for the next 12 months.</p>\n");
  if (!published) absl::StrAppend(&h, "<p class=\"note internal\">", HtmlEscape(kInternalNote), "</p>\n");
  absl::StrAppend(&h, "<div class=\"cards\">\n<div class=\"card\"><span class=\"small\">Strengths</span><span "
                      "class=\"big\" data-count=\"strengths\">", sa.strengths_size(), "</span></div>\n<div class=\"card\"><span class=\"small\">"
                      "Areas for focus</span><span class=\"big\" data-count=\"areas-for-focus\">", sa.areas_for_focus_size(),
                  "</span></div>\n<div class=\"card\"><span class=\"small\">To watch</span><span class=\"big\" "
                  "data-count=\"to-watch\">", sa.to_watch_size(),
                  "</span></div>\n<div class=\"card\"><span class=\"small\">Rated green / amber / red</span><span "
                  "class=\"big\">", ratings[v1::GREEN], " / ", ratings[v1::AMBER], " / ", ratings[v1::RED],
                  "</span></div>\n<div class=\"card\"><span class=\"small\">Improving / stable / deteriorating</span>"
                  "<span class=\"big\">", directions[v1::IMPROVING], " / ", directions[v1::STABLE], " / ",
                  directions[v1::DETERIORATING], "</span></div>\n</div>\n</section>\n");

  auto slot = [&](const v1::NarrativeSlot& s, const char* tag) {
    absl::StrAppend(&h, "<", tag, ">", HtmlEscape(s.title()), "</", tag, ">\n");
    if (s.paragraphs().empty())
      absl::StrAppend(&h, "<p class=\"slot-empty\" data-slot=\"", HtmlEscape(s.id()), "\">", HtmlEscape(s.placeholder()),
                      "</p>\n");
    for (const auto& p : s.paragraphs()) absl::StrAppend(&h, "<p>", HtmlEscape(p), "</p>\n");
  };
  for (const auto& area : sa.areas()) {
    absl::StrAppend(&h, "<section class=\"chapter area\" id=\"", HtmlEscape(area.id()), "\">\n<h2>", ++n, ". ",
                    HtmlEscape(area.title()), "</h2>\n<h3>", HtmlEscape(kWhatDoWeKnow), "</h3>\n");
    for (const auto* list : {&sa.strengths(), &sa.areas_for_focus(), &sa.to_watch()}) {
      const bool strengths = list == &sa.strengths(), focus = list == &sa.areas_for_focus();
      const char* cls = strengths ? "strengths" : focus ? "areas-for-focus" : "to-watch";
      absl::StrAppend(&h, "<h4>", strengths ? "Strengths" : focus ? "Areas for focus" : "To watch", "</h4>\n");
      std::string items;
      for (const auto& f : *list) {
        if (f.area() != area.id()) continue;
        absl::StrAppend(&items, "<li data-indicator=\"", HtmlEscape(f.indicator()), "\">",
                        HtmlEscape(FindingSentence(f)), " <small>(", HtmlEscape(f.section()), ")</small></li>\n");
      }
      if (items.empty()) absl::StrAppend(&h, "<p class=\"none\">None.</p>\n");
      else absl::StrAppend(&h, "<ul class=\"findings ", cls, "\">\n", items, "</ul>\n");
    }
    absl::StrAppend(&h, "<h3>", HtmlEscape(kHowDoWeKnow), "</h3>\n");
    bool marked = false;
    for (const auto& s : sa.sections()) {
      if (s.area() != area.id()) continue;
      absl::StrAppend(&h, "<table class=\"assessment\" id=\"", HtmlEscape(s.id()), "\">\n<caption>",
                      HtmlEscape(s.title()),
                      ": three-year trend, comparators, DfE's rank and rating</caption>\n<thead><tr><th scope=\"col\" "
                      "class=\"c-measure\">Measure</th>");
      std::vector<std::string> periods;
      if (!s.indicators().empty()) periods.assign(s.indicators(0).periods().begin(), s.indicators(0).periods().end());
      for (const auto& p : periods)
        absl::StrAppend(&h, "<th scope=\"col\" class=\"num\">", HtmlEscape(YearSlash(p)), "</th>");
      h += "<th scope=\"col\" class=\"c-dir\">Direction</th><th scope=\"col\" class=\"num\">England</th><th scope=\"col\" "
           "class=\"num\">London</th><th scope=\"col\" class=\"num\">Stat. neighbours</th><th scope=\"col\" "
           "class=\"c-rank\">DfE rank</th><th scope=\"col\" class=\"num\">Target</th><th scope=\"col\" "
           "class=\"c-rating\">Rating</th></tr></thead>\n<tbody>\n";
      for (const auto& a : s.indicators()) {
        absl::StrAppend(&h, "<tr data-indicator=\"", HtmlEscape(a.indicator()), "\"><th scope=\"row\">",
                        HtmlEscape(a.label()), a.supplied() ? " <small>(local measure)</small>" : "", "</th>");
        for (const auto& v : a.values()) h += Td(v, FormatValue(v, a.unit()));
        absl::StrAppend(&h, "<td>", Direction(a.direction()), "</td>");
        for (const char* prefix : {"ENG", "LON", "SN:"}) {
          ShownComparator c = IndicatorComparator(a, prefix);
          marked |= c.published;
          h += Td(c.cell, c.text, c.published ? " dfe" : "");
        }
        marked |= !a.dfe().status().empty();
        const std::string rank = RankWords(a.dfe(), true);
        absl::StrAppend(&h, "<td", rank.empty() ? " class=\"na\"" : "", ">",
                        HtmlEscape(rank.empty() ? kNotAvailable : rank), "</td>");
        if (a.has_target()) h += Td(a.target().value(), FormatValue(a.target().value(), a.unit()));
        else h += "<td class=\"num na\">none</td>";
        absl::StrAppend(&h, "<td>", Rag(a.rating(), a.rating_reason()), "</td></tr>\n");
      }
      h += "</tbody>\n</table>\n";
    }
    if (marked) absl::StrAppend(&h, "<p class=\"note\">", HtmlEscape(kPublishedMarkNote), "</p>\n");
    for (const auto& s : area.evidence()) slot(s, "h4");
    if (area.id() == "leadership") h += DataQualityHtml(sa.data_quality());
    slot(area.plans(), "h3");
    h += "</section>\n";
  }
  std::vector<std::string> notes = {sa.rating_rule(), sa.direction_rule(), sa.findings_rule()};
  if (!sa.narrative_stale().empty()) notes.push_back(StaleNote(sa.narrative_stale()));
  h += Notes(published, notes);
  absl::StrAppend(&h, "<footer>", HtmlEscape(LaWords(sa.la(), sa.la_name())), " &middot; ", HtmlEscape(title),
                  " &middot; ", HtmlEscape(StatusWords(published)), "</footer>\n</body>\n</html>\n");
  return h;
}


}  // namespace carestat
