// The Word (DOCX) reports: the synthetic borough's annual report and self-assessment
// rendered to DOCX, unzipped with minizip and read with expat. Every table of the report
// must be a Word table holding every cell's text as the HTML formats it, every heading
// a heading, every chart a PNG and an SVG part; every XML part well-formed. Then
// LibreOffice converts each to PDF and the PDF's text must hold every table's figures
// (skipped where soffice is not installed; scripts/test installs it).
#include <expat.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <unzip.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/reporting/format.h"
#include "services/reporting/render/disclosure.h"
#include "services/reporting/render/docx.h"
#include "services/reporting/render/render.h"
#include "services/reporting/render/text.h"
#include "services/reporting/reports/annual.h"
#include "services/reporting/reports/rating.h"
#include "services/reporting/reports/self_assessment.h"
#include "tests/unit/reporting/fake_metrics.h"

namespace carestat {
namespace {

namespace fs = std::filesystem;

fs::path TempDir(const std::string& name) {
  const char* base = std::getenv("TEST_TMPDIR");
  fs::path dir = fs::path(base ? base : fs::temp_directory_path().string()) /
                 ("carestat-" + name + "-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

struct Cleanup {
  fs::path dir;
  ~Cleanup() {
    std::error_code ec;
    if (!std::getenv("CARESTAT_KEEP_TEST_FILES")) fs::remove_all(dir, ec);
  }
};

// Unzips `bytes` through a temporary file: part name -> content.
std::map<std::string, std::string> Unzip(const std::string& bytes, const fs::path& dir) {
  std::map<std::string, std::string> out;
  const fs::path path = dir / "unzip.docx";
  std::ofstream(path, std::ios::binary) << bytes;
  unzFile zip = unzOpen(path.string().c_str());
  EXPECT_NE(zip, nullptr) << "the document is not a zip";
  if (!zip) return out;
  for (int rc = unzGoToFirstFile(zip); rc == UNZ_OK; rc = unzGoToNextFile(zip)) {
    char name[512];
    unz_file_info info;
    unzGetCurrentFileInfo(zip, &info, name, sizeof name, nullptr, 0, nullptr, 0);
    std::string content(info.uncompressed_size, '\0');
    EXPECT_EQ(unzOpenCurrentFile(zip), UNZ_OK) << name;
    EXPECT_EQ(unzReadCurrentFile(zip, content.data(), static_cast<unsigned>(content.size())),
              static_cast<int>(content.size()))
        << name;
    unzCloseCurrentFile(zip);
    out[name] = content;
  }
  unzClose(zip);
  return out;
}

// An element as expat reports it: name and attributes.
struct Element {
  std::string name;
  std::map<std::string, std::string> attrs;
};

// Parses `xml` with expat: the error ("" when well-formed), calling `start`, `end` and
// `text` as it goes.
struct Parser {
  std::function<void(const Element&)> start = [](const Element&) {};
  std::function<void(const std::string&)> end = [](const std::string&) {};
  std::function<void(const std::string&)> text = [](const std::string&) {};

  std::string Parse(const std::string& xml) {
    XML_Parser p = XML_ParserCreate("UTF-8");
    XML_SetUserData(p, this);
    XML_SetElementHandler(
        p,
        [](void* self, const XML_Char* name, const XML_Char** atts) {
          Element e{name, {}};
          for (int i = 0; atts[i]; i += 2) e.attrs[atts[i]] = atts[i + 1];
          static_cast<Parser*>(self)->start(e);
        },
        [](void* self, const XML_Char* name) { static_cast<Parser*>(self)->end(name); });
    XML_SetCharacterDataHandler(p, [](void* self, const XML_Char* s, int len) {
      static_cast<Parser*>(self)->text(std::string(s, static_cast<size_t>(len)));
    });
    std::string error;
    if (XML_Parse(p, xml.data(), static_cast<int>(xml.size()), 1) == XML_STATUS_ERROR) {
      error = absl::StrCat(XML_ErrorString(XML_GetErrorCode(p)), " at line ", XML_GetCurrentLineNumber(p));
    }
    XML_ParserFree(p);
    return error;
  }
};

// What word/document.xml holds, as read by expat.
struct WordDoc {
  struct Table {
    std::vector<std::vector<std::string>> rows;   // cell texts; a w:br is "\n"
    bool header_repeats = false;                  // the first row has w:tblHeader
    std::string caption;                          // the paragraph just before, if a Caption
    std::vector<int> grid;                        // w:gridCol widths, twips
    size_t section = 0;                           // index into `landscape`
  };
  std::vector<Table> tables;
  std::vector<std::pair<std::string, std::string>> paragraphs;   // (style, text), outside tables
  std::vector<size_t> paragraph_sections;                         // each paragraph's section
  // Each section's page, in order (a w:sectPr ends a section): landscape when its
  // w:pgSz says w:orient="landscape" and is wider than high.
  std::vector<bool> landscape;
  std::vector<std::string> png_ids, svg_ids;                     // a:blip and asvg:svgBlip r:embed
  std::string text;                                              // every w:t
};

WordDoc ReadDocument(const std::string& xml, std::string* error) {
  WordDoc doc;
  int depth = 0;   // table nesting
  bool in_t = false, in_header_row = false, landscape = false;
  std::string para_text, para_style, cell_text;
  Parser p;
  p.start = [&](const Element& e) {
    if (e.name == "w:tbl") {
      ++depth;
      WordDoc::Table t;
      if (!doc.paragraphs.empty() && doc.paragraphs.back().first == "Caption") t.caption = doc.paragraphs.back().second;
      t.section = doc.landscape.size();
      doc.tables.push_back(t);
    } else if (e.name == "w:gridCol" && depth > 0) {
      doc.tables.back().grid.push_back(e.attrs.count("w:w") ? std::stoi(e.attrs.at("w:w")) : 0);
    } else if (e.name == "w:pgSz") {
      auto at = [&](const char* a) { return e.attrs.count(a) ? std::stoi(e.attrs.at(a)) : 0; };
      landscape = e.attrs.count("w:orient") && e.attrs.at("w:orient") == "landscape" && at("w:w") > at("w:h");
    } else if (e.name == "w:tr") {
      doc.tables.back().rows.emplace_back();
      in_header_row = doc.tables.back().rows.size() == 1;
    } else if (e.name == "w:tblHeader" && in_header_row) {
      doc.tables.back().header_repeats = true;
    } else if (e.name == "w:tc") {
      cell_text.clear();
    } else if (e.name == "w:p") {
      para_text.clear();
      para_style.clear();
      if (depth > 0 && !cell_text.empty()) cell_text += "\n";
    } else if (e.name == "w:pStyle") {
      para_style = e.attrs.count("w:val") ? e.attrs.at("w:val") : "";
    } else if (e.name == "w:t") {
      in_t = true;
    } else if (e.name == "w:br") {
      if (depth > 0) cell_text += "\n";
      para_text += "\n";
    } else if (e.name == "a:blip") {
      doc.png_ids.push_back(e.attrs.count("r:embed") ? e.attrs.at("r:embed") : "");
    } else if (e.name == "asvg:svgBlip") {
      doc.svg_ids.push_back(e.attrs.count("r:embed") ? e.attrs.at("r:embed") : "");
    }
  };
  p.end = [&](const std::string& name) {
    if (name == "w:t") in_t = false;
    else if (name == "w:tbl") --depth;
    else if (name == "w:tc") doc.tables.back().rows.back().push_back(cell_text);
    else if (name == "w:p" && depth == 0) {
      doc.paragraphs.emplace_back(para_style, para_text);
      doc.paragraph_sections.push_back(doc.landscape.size());
    } else if (name == "w:sectPr") {
      doc.landscape.push_back(landscape);
      landscape = false;
    }
  };
  p.text = [&](const std::string& s) {
    if (!in_t) return;
    para_text += s;
    doc.text += s;
    if (depth > 0) cell_text += s;
  };
  *error = p.Parse(xml);
  return doc;
}

// A row the report must show: its label, then its figures as the HTML formats them.
using Row = std::vector<std::string>;
struct ExpectedTable {
  std::string caption;   // "" when the table has none
  std::vector<Row> rows;
};

std::vector<ExpectedTable> Expected(const v1::AnnualReport& r) {
  std::vector<ExpectedTable> out;
  for (const auto& t : r.tables()) {
    ExpectedTable e{absl::StrCat("Table ", t.number(), ": ", t.title()), {}};
    for (const auto& row : t.rows()) {
      Row cells = {row.label()};
      for (const auto& v : row.values()) cells.push_back(FormatValue(v, row.unit()));
      if (!t.hide_changes()) {
        cells.push_back(FormatChange(row.change_1y_pct()));
        cells.push_back(FormatChange(row.change_5y_pct()));
      }
      for (const auto& c : row.comparators()) cells.push_back(FormatValue(c, row.unit()));
      e.rows.push_back(cells);
    }
    out.push_back(e);
  }
  for (const auto& f : r.figures()) {
    ExpectedTable e{absl::StrCat("Data for figure ", f.number(), ": ", f.title()), {}};
    for (const auto& s : f.series()) {
      Row cells = {s.label()};
      for (const auto& v : s.values()) cells.push_back(FormatValue(v, f.unit()));
      e.rows.push_back(cells);
    }
    out.push_back(e);
  }
  // The facts tables, a table per section: label, this year, last year.
  std::map<std::string, size_t> section_table;
  for (const auto& f : r.facts()) {
    if (!section_table.count(f.section())) {
      section_table[f.section()] = out.size();
      out.push_back({f.section(), {}});
    }
    std::string label = f.label();
    if (f.period() != r.year()) absl::StrAppend(&label, " (", f.period(), " and ", f.previous_period(), ")");
    if (f.supplied()) label += " (local measure)";
    out[section_table[f.section()]].rows.push_back(
        {label, FormatValue(f.value(), f.unit()), FormatValue(f.previous(), f.unit())});
  }
  return out;
}

// The self-evaluation's tables, every cell as html.cc writes it: each evidence table
// (measure, the three years, direction, England, London, statistical neighbours, DfE's
// rank and quartile, target, rating) and the data quality tables.
std::vector<ExpectedTable> Expected(const v1::SelfAssessment& sa) {
  std::vector<ExpectedTable> out;
  for (const auto& s : sa.sections()) {
    ExpectedTable e{absl::StrCat(s.title(), ": three-year trend, comparators, DfE's rank and rating"), {}};
    for (const auto& a : s.indicators()) {
      Row cells = {a.supplied() ? a.label() + " (local measure)" : a.label()};
      for (const auto& v : a.values()) cells.push_back(FormatValue(v, a.unit()));
      const v1::Direction d = a.direction();
      cells.push_back(absl::StrCat(d == v1::IMPROVING       ? "\u25B2 "
                                   : d == v1::DETERIORATING ? "\u25BC "
                                   : d == v1::STABLE        ? "\u25AC "
                                                            : "",
                                   DirectionName(d)));
      for (const char* prefix : {"ENG", "LON", "SN:"}) cells.push_back(IndicatorComparator(a, prefix).text);
      const std::string rank = RankWords(a.dfe(), true);
      cells.push_back(rank.empty() ? kNotAvailable : rank);
      cells.push_back(a.has_target() ? FormatValue(a.target().value(), a.unit()) : "none");
      std::string rating = RatingName(a.rating());
      if (!rating.empty()) rating[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(rating[0])));
      cells.push_back(rating);
      e.rows.push_back(cells);
    }
    out.push_back(e);
  }
  const auto& dq = sa.data_quality();
  if (dq.available() && dq.returns_size() > 0) {
    ExpectedTable e{"Returns for the year and their validation", {}};
    for (const auto& q : dq.returns()) {
      long long records = 0;
      for (const auto& [k, c] : q.record_counts()) records += c;
      std::string rules;
      for (const auto& rc : q.rules())
        absl::StrAppend(&rules, rules.empty() ? "" : "\n", rc.severity(), " ", rc.rule(), " (", rc.count(), "): ", rc.message());
      e.rows.push_back({q.dataset(), q.file_name(), FormatNumber(q.children(), "count"), FormatNumber(records, "count"),
                        FormatNumber(q.errors(), "count"), FormatNumber(q.queries(), "count"), QualityAgainstLastYear(q),
                        rules.empty() ? "none" : rules});
    }
    out.push_back(e);
  }
  if (dq.reconciliation_size() > 0) {
    ExpectedTable e{"The council's computed figures beside DfE's published figures", {}};
    for (const auto& rec : dq.reconciliation()) {
      e.rows.push_back({rec.label(), rec.period(), FormatValue(rec.computed(), rec.unit()),
                        FormatValue(rec.published(), rec.unit()), ReconciliationDifference(rec),
                        rec.reason().empty() ? "within DfE's rounding" : rec.reason()});
    }
    out.push_back(e);
  }
  return out;
}

// The DOCX table that carries `want`: its caption matches (when it has one) and each
// expected row is a row of it whose first cells are the expected texts.
void ExpectTable(const WordDoc& doc, const ExpectedTable& want) {
  for (const auto& t : doc.tables) {
    if (!want.caption.empty() && t.caption != want.caption) continue;
    bool all = !want.rows.empty();
    for (const Row& row : want.rows) {
      bool found = false;
      for (const auto& got : t.rows) {
        if (got.size() < row.size()) continue;
        found = std::equal(row.begin(), row.end(), got.begin());
        if (found) break;
      }
      all = all && found;
    }
    if (all) {
      EXPECT_TRUE(t.header_repeats) << want.caption << ": the header row is not marked w:tblHeader";
      return;
    }
  }
  std::string rows;
  for (const Row& r : want.rows) absl::StrAppend(&rows, "\n  ", absl::StrJoin(r, " | "));
  ADD_FAILURE() << "no Word table holds \"" << want.caption << "\" with rows:" << rows;
}

// The width and height a PNG's IHDR gives; 0 x 0 when the bytes are not a PNG.
std::pair<uint32_t, uint32_t> PngSize(const std::string& png) {
  static const char kSignature[] = "\x89PNG\r\n\x1a\n";
  if (png.size() < 24 || png.compare(0, 8, kSignature, 8) != 0 || png.compare(12, 4, "IHDR") != 0) return {0, 0};
  auto be32 = [&](size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(png[at + i]);
    return v;
  };
  return {be32(16), be32(20)};
}

// Everything the unzipped document must satisfy whatever the report: well-formed XML
// parts, the parts Word needs, each chart's PNG and SVG, no child identifier.
WordDoc CheckPackage(const std::map<std::string, std::string>& parts, size_t charts, const std::string& title) {
  for (const char* name : {"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml",
                           "word/settings.xml", "word/footer1.xml", "word/_rels/document.xml.rels", "docProps/core.xml"})
    EXPECT_TRUE(parts.count(name)) << name << " is missing";
  for (const auto& [name, content] : parts) {
    auto ends = [&](const std::string& ext) {
      return name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0;
    };
    if (!ends(".xml") && !ends(".rels") && !ends(".svg")) continue;   // the PNGs are checked below
    Parser p;
    EXPECT_EQ(p.Parse(content), "") << name << " is not well-formed XML";
    // No child identifier: a UPN's shape (a letter and 12 digits), the returns' child
    // identifier elements, a child's date of birth field.
    EXPECT_FALSE(std::regex_search(content, std::regex("[A-HJ-NP-Z][0-9]{12}"))) << name << " holds a UPN-like identifier";
    for (const char* id : {"LAchildID", "ChildIdentifiers", "PersonBirthDate", "child_id"})
      EXPECT_EQ(content.find(id), std::string::npos) << name << " holds " << id;
  }
  // The footer: Page N of M from Word's fields.
  const std::string& footer = parts.at("word/footer1.xml");
  EXPECT_NE(footer.find("w:instr=\" PAGE \""), std::string::npos);
  EXPECT_NE(footer.find("w:instr=\" NUMPAGES \""), std::string::npos);
  EXPECT_NE(parts.at("docProps/core.xml").find("<dc:title>" + title), std::string::npos);
  for (const char* style : {"w:styleId=\"Title\"", "w:styleId=\"Heading1\"", "w:styleId=\"Heading2\"",
                            "w:styleId=\"Heading3\"", "w:styleId=\"Caption\"", "w:styleId=\"CarestatTable\""})
    EXPECT_NE(parts.at("word/styles.xml").find(style), std::string::npos) << style;

  std::string error;
  WordDoc doc = ReadDocument(parts.at("word/document.xml"), &error);
  EXPECT_EQ(error, "");
  // Each chart: a PNG part (signature and IHDR size, the SVG's shape) and an SVG part.
  EXPECT_EQ(doc.png_ids.size(), charts);
  EXPECT_EQ(doc.svg_ids.size(), charts);
  const std::string& rels = parts.at("word/_rels/document.xml.rels");
  auto target = [&](const std::string& id) {
    std::smatch m;
    if (!std::regex_search(rels, m, std::regex("Id=\"" + id + "\"[^>]*Target=\"([^\"]+)\""))) return std::string();
    return "word/" + m[1].str();
  };
  for (size_t i = 0; i < doc.png_ids.size() && i < doc.svg_ids.size(); ++i) {
    const std::string png_part = target(doc.png_ids[i]), svg_part = target(doc.svg_ids[i]);
    if (!parts.count(png_part) || !parts.count(svg_part)) {
      ADD_FAILURE() << doc.png_ids[i] << " -> " << png_part << ", " << doc.svg_ids[i] << " -> " << svg_part
                    << ": a chart's image part is missing";
      continue;
    }
    const auto [w, h] = PngSize(parts.at(png_part));
    EXPECT_GT(w, 0u) << png_part << " is not a PNG";
    std::smatch box;
    const std::string& svg = parts.at(svg_part);
    if (!std::regex_search(svg, box, std::regex("viewBox=\"0 0 ([0-9.]+) ([0-9.]+)\""))) {
      ADD_FAILURE() << svg_part << " has no viewBox";
      continue;
    }
    EXPECT_NE(svg.find("xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos) << svg_part;
    // The PNG has the chart's shape (within a pixel of rounding) and enough pixels to print.
    EXPECT_NEAR(static_cast<double>(h), w * std::stod(box[2]) / std::stod(box[1]), 1.0) << png_part;
    EXPECT_GE(w, 1000u) << png_part;
  }
  return doc;
}

std::vector<std::string> Headings(const WordDoc& doc) {
  std::vector<std::string> out;
  for (const auto& [style, text] : doc.paragraphs) {
    if (style == "Title" || style.rfind("Heading", 0) == 0) out.push_back(text);
  }
  return out;
}

v1::AnnualReport SeedReport() {
  FakeMetrics m = SeedLikeMetrics();
  auto r = BuildAnnualReport("301", "2015-16", m, 1476748800000);
  EXPECT_TRUE(r.ok()) << r.status();
  return *r;
}

// The self-assessment with a data quality section: two synthetic returns and a
// reconciliation row, so the DOCX's data quality tables are tested too.
v1::SelfAssessment SeedAssessment() {
  FakeMetrics m = SeedLikeMetrics();
  auto r = BuildSelfAssessment("301", "2015-16", m, nullptr, 1476748800000);
  EXPECT_TRUE(r.ok()) << r.status();
  v1::DataQuality* dq = r->mutable_data_quality();
  dq->set_available(true);
  dq->set_note("Synthetic returns for the test.");
  for (const auto& [dataset, file, children, errors] : std::vector<std::tuple<std::string, std::string, int, int>>{
           {"cin_census", "cin-2016-synthetic.xml", 2714, 12}, {"ssda903", "ssda903-2016-synthetic.zip", 455, 3}}) {
    v1::ReturnQuality* q = dq->add_returns();
    q->set_dataset(dataset);
    q->set_file_name(file);
    q->set_children(children);
    q->set_errors(errors);
    q->set_queries(errors * 2 + 1);
    (*q->mutable_record_counts())["rows"] = children * 3;
    v1::RuleCount* rc = q->add_rules();
    rc->set_rule("8500");
    rc->set_severity("error");
    rc->set_count(errors);
    rc->set_message("A synthetic rule message");
  }
  dq->set_reconciliation_note("Synthetic reconciliation for the test.");
  v1::Reconciliation* rec = dq->add_reconciliation();
  rec->set_indicator("referrals");
  rec->set_label("Referrals");
  rec->set_unit("count");
  rec->set_period("2015-16");
  rec->mutable_computed()->set_has_value(true);
  rec->mutable_computed()->set_value(3255);
  rec->mutable_computed()->set_ref("referrals:2015-16");
  rec->mutable_published()->set_has_value(true);
  rec->mutable_published()->set_value(3243);
  rec->mutable_difference()->set_has_value(true);
  rec->mutable_difference()->set_value(12);
  rec->set_reason("synthetic difference");
  return *r;
}

template <class Doc>
Doc Published(const Doc& in, bool publish) {
  Doc d = in;
  if (publish) ApplyDisclosureControl(&d);
  return d;
}

TEST(DocxTest, AnnualReportHasEveryTableHeadingAndChart) {
  const v1::AnnualReport report = SeedReport();
  const fs::path dir = TempDir("docx-annual");
  Cleanup cleanup{dir};
  for (bool publish : {false, true}) {
    SCOPED_TRACE(publish ? "published" : "internal");
    auto out = Render(report, v1::DOCX, publish);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->file_extension(), "docx");
    EXPECT_EQ(out->media_type(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    const auto parts = Unzip(out->content(), dir);
    const std::string title = "Children's Social Care Annual Report 2015/16";
    WordDoc doc = CheckPackage(parts, static_cast<size_t>(report.figures_size()), "Barking");
    // What the document must carry is the report as rendered: after disclosure control
    // when published, so a suppressed figure must read "c".
    const v1::AnnualReport shown = Published(report, publish);
    for (const ExpectedTable& t : Expected(shown)) ExpectTable(doc, t);
    // Headings: the title, the summary, each section in order, the key figures, the notes.
    std::vector<std::string> want = {title, "1. Summary"};
    std::vector<std::string> sections;
    for (const auto& f : report.facts()) {
      if (std::find(sections.begin(), sections.end(), f.section()) == sections.end()) sections.push_back(f.section());
    }
    for (size_t i = 0; i < sections.size(); ++i) want.push_back(absl::StrCat(i + 2, ". ", sections[i]));
    want.push_back(absl::StrCat(sections.size() + 2, ". Key figures, comparators and ratings"));
    size_t n = sections.size() + 3;
    if (report.year_on_year().rows_size() > 0) want.push_back(absl::StrCat(n++, ". Year on year"));
    want.push_back(absl::StrCat(n++, ". Returns behind these figures"));
    if (!report.differences_note().empty())
      want.push_back(absl::StrCat(n++, ". Figures that differ from those published"));
    want.push_back("Notes on the figures");
    EXPECT_EQ(Headings(doc), want);
    // The cover: a two-column table with the status of this rendering.
    ASSERT_FALSE(doc.tables.empty());
    EXPECT_EQ(doc.tables[0].rows[0], (Row{"Report", title}));
    bool status = false;
    for (const auto& row : doc.tables[0].rows) status |= row == Row{"Status", StatusWords(publish)};
    EXPECT_TRUE(status) << "the cover does not give the status";
    // Every fact's sentence, and the notes.
    for (const auto& f : shown.facts()) EXPECT_NE(doc.text.find(FactSentence(f)), std::string::npos) << f.indicator();
    EXPECT_NE(doc.text.find(kRoundingNote), std::string::npos);
    EXPECT_NE(doc.text.find(publish ? kDisclosureNote : kInternalNote), std::string::npos);
    EXPECT_NE(doc.text.find("11,393"), std::string::npos);   // contacts 2015-16, as Table 1 shows it
    if (publish) {
      // The fixture has figures disclosure control suppresses: the check above saw them as c.
      size_t suppressed = 0;
      for (const ExpectedTable& t : Expected(shown)) {
        for (const Row& row : t.rows) suppressed += std::count(row.begin(), row.end(), std::string(kSuppressedMark));
      }
      EXPECT_GT(suppressed, 0u);
    }
  }
}

// The reporting server renders on several threads at once: librsvg, cairo and the zip
// must give each the same document, byte for byte (the zip's dates are the report's).
TEST(DocxTest, RendersAtOnceOnThreadsAlike) {
  const v1::AnnualReport report = SeedReport();
  auto first = Render(report, v1::DOCX);
  ASSERT_TRUE(first.ok()) << first.status();
  std::vector<std::string> outs(4);
  std::vector<std::thread> threads;
  for (auto& out : outs) {
    threads.emplace_back([&report, &out] {
      auto r = Render(report, v1::DOCX);
      if (r.ok()) out = r->content();
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& out : outs) EXPECT_TRUE(out == first->content()) << "a rendering differs (" << out.size() << " bytes)";
}

// The self-evaluation in its ILACS shape, as html.cc shows it: the summary's counts, each
// judgement area with its three questions (findings, evidence tables with every column,
// the council's slots, data quality under the impact of leaders, plans), the notes.
TEST(DocxTest, SelfAssessmentHasEveryAreaQuestionTableAndSlot) {
  v1::SelfAssessment sa = SeedAssessment();
  ASSERT_EQ(sa.areas_size(), 3);
  ASSERT_GT(sa.strengths_size() + sa.areas_for_focus_size() + sa.to_watch_size(), 0);
  // One slot the council has written (two paragraphs); every other prints its placeholder.
  sa.mutable_areas(1)->mutable_evidence(1)->add_paragraphs("Care leavers told us the drop-in helps.");
  sa.mutable_areas(1)->mutable_evidence(1)->add_paragraphs("Children in care council minutes, March.");
  const fs::path dir = TempDir("docx-sa");
  Cleanup cleanup{dir};
  for (bool publish : {false, true}) {
    SCOPED_TRACE(publish ? "published" : "internal");
    auto out = Render(sa, v1::DOCX, publish);
    ASSERT_TRUE(out.ok()) << out.status();
    const auto parts = Unzip(out->content(), dir);
    WordDoc doc = CheckPackage(parts, 0, "Barking");
    EXPECT_NE(parts.at("word/styles.xml").find("w:styleId=\"Heading4\""), std::string::npos);
    const v1::SelfAssessment shown = Published(sa, publish);
    const std::vector<ExpectedTable> tables = Expected(shown);
    EXPECT_EQ(tables.size(), static_cast<size_t>(sa.sections_size()) + 2);
    for (const ExpectedTable& t : tables) ExpectTable(doc, t);

    // The headings, with their levels, in html.cc's order (h2 -> Heading1 ... h5 -> Heading4).
    using Heading = std::pair<std::string, std::string>;
    std::vector<Heading> want = {{"Title", "Children's Social Care Annual Self-Assessment 2015/16"},
                                 {"Heading1", "1. Summary"}};
    int n = 1;
    for (const auto& a : sa.areas()) {
      want.push_back({"Heading1", absl::StrCat(++n, ". ", a.title())});
      want.push_back({"Heading2", kWhatDoWeKnow});
      for (const char* list : {"Strengths", "Areas for focus", "To watch"}) want.push_back({"Heading3", list});
      want.push_back({"Heading2", kHowDoWeKnow});
      for (const auto& slot : a.evidence()) want.push_back({"Heading3", slot.title()});
      if (a.id() == "leadership") {
        want.push_back({"Heading3", "Data quality"});
        want.push_back({"Heading4", "Reconciliation with DfE's published figures"});
      }
      want.push_back({"Heading2", a.plans().title()});
    }
    want.push_back({"Heading1", "Notes on the figures"});
    std::vector<Heading> got;
    for (const auto& p : doc.paragraphs) {
      if (p.first == "Title" || p.first.rfind("Heading", 0) == 0) got.push_back(p);
    }
    EXPECT_EQ(got, want);

    // What follows a heading, up to the next heading, outside tables.
    auto after = [&](size_t from, const std::string& text) {
      std::vector<std::pair<std::string, std::string>> block;
      size_t i = from;
      while (i < doc.paragraphs.size() && doc.paragraphs[i].second != text) ++i;
      for (++i; i < doc.paragraphs.size() && doc.paragraphs[i].first.rfind("Heading", 0) != 0; ++i) {
        if (!doc.paragraphs[i].second.empty()) block.push_back(doc.paragraphs[i]);
      }
      return std::make_pair(i, block);
    };
    auto bullets = [](const std::vector<std::pair<std::string, std::string>>& block) {
      std::vector<std::string> items;
      for (const auto& [style, text] : block) {
        if (style == "ListBullet") items.push_back(text.rfind("\u2022", 0) == 0 ? text.substr(3) : text);
      }
      return items;
    };
    // The summary's counts, and the lists they count: each area's findings, one bullet each.
    const auto summary = bullets(after(0, "1. Summary").second);
    const std::vector<std::pair<std::string, const google::protobuf::RepeatedPtrField<v1::Finding>*>> lists = {
        {"Strengths", &shown.strengths()}, {"Areas for focus", &shown.areas_for_focus()}, {"To watch", &shown.to_watch()}};
    for (const auto& [name, list] : lists) {
      EXPECT_NE(std::find(summary.begin(), summary.end(), absl::StrCat(name, ": ", list->size())), summary.end())
          << name << " is not counted in the summary";
      size_t listed = 0, at = 0;
      for (int k = 0; k < shown.areas_size(); ++k) {
        const v1::JudgementArea& area = shown.areas(k);
        at = after(at, absl::StrCat(k + 2, ". ", area.title())).first;
        const auto [next, block] = after(at, name);
        std::vector<std::string> want_items;
        for (const auto& f : *list) {
          if (f.area() == area.id()) want_items.push_back(absl::StrCat(FindingSentence(f), " (", f.section(), ")"));
        }
        EXPECT_EQ(bullets(block), want_items) << area.id() << " / " << name;
        if (want_items.empty()) {
          ASSERT_FALSE(block.empty()) << area.id() << " / " << name;
          EXPECT_EQ(block[0], (std::pair<std::string, std::string>{"Placeholder", "None."}));
        }
        listed += bullets(block).size();
      }
      EXPECT_EQ(listed, static_cast<size_t>(list->size())) << name;
    }
    int ratings[4] = {0, 0, 0, 0};
    for (const auto& s : shown.sections()) {
      for (const auto& a : s.indicators()) ++ratings[a.rating()];
    }
    EXPECT_NE(std::find(summary.begin(), summary.end(),
                        absl::StrCat("Rated green / amber / red: ", ratings[v1::GREEN], " / ", ratings[v1::AMBER], " / ",
                                     ratings[v1::RED])),
              summary.end());

    // The slots: the written one's paragraphs; the others' placeholder, muted.
    size_t at = 0;
    for (int k = 0; k < sa.areas_size(); ++k) {
      const v1::JudgementArea& area = sa.areas(k);
      at = after(at, absl::StrCat(k + 2, ". ", area.title())).first;
      std::vector<const v1::NarrativeSlot*> slots;
      for (const auto& s : area.evidence()) slots.push_back(&s);
      slots.push_back(&area.plans());
      for (const v1::NarrativeSlot* slot : slots) {
        const auto block = after(at, slot->title()).second;
        std::vector<std::pair<std::string, std::string>> want_block;
        if (slot->paragraphs().empty()) want_block.push_back({"Placeholder", slot->placeholder()});
        for (const auto& p : slot->paragraphs()) want_block.push_back({"", p});
        // Data quality follows the workforce evidence under its own heading.
        EXPECT_EQ(block, want_block) << area.id() << " / " << slot->id();
      }
    }
    EXPECT_NE(doc.text.find("Care leavers told us the drop-in helps."), std::string::npos);

    // The areas on A4 landscape, the summary and notes on portrait; each evidence table
    // fits the landscape page's width.
    ASSERT_EQ(doc.paragraphs.size(), doc.paragraph_sections.size());
    ASSERT_FALSE(doc.landscape.empty());
    for (size_t i = 0; i < doc.paragraphs.size(); ++i) {
      const std::string& text = doc.paragraphs[i].second;
      const size_t section = doc.paragraph_sections[i];
      ASSERT_LT(section, doc.landscape.size());
      for (const auto& area : sa.areas()) {
        const bool heading = text.size() > area.title().size() &&
                             text.compare(text.size() - area.title().size(), std::string::npos, area.title()) == 0;
        if (heading) {
          EXPECT_TRUE(doc.landscape[section]) << text << " is not on a landscape page";
        }
      }
      if (text == "1. Summary" || text == "Notes on the figures") {
        EXPECT_FALSE(doc.landscape[section]) << text;
      }
    }
    constexpr int kLandscapeText = 16838 - 2 * 851;
    size_t evidence_tables = 0;
    for (const auto& t : doc.tables) {
      if (t.caption.find(": three-year trend, comparators, DfE's rank and rating") == std::string::npos) continue;
      ++evidence_tables;
      ASSERT_LT(t.section, doc.landscape.size());
      EXPECT_TRUE(doc.landscape[t.section]) << t.caption;
      int width = 0;
      for (int w : t.grid) width += w;
      EXPECT_EQ(t.grid.size(), 11u) << t.caption;
      EXPECT_LE(width, kLandscapeText) << t.caption;
      EXPECT_GT(width, 16838 / 2) << t.caption << ": not laid out for the landscape page";
    }
    EXPECT_EQ(evidence_tables, static_cast<size_t>(sa.sections_size()));

    // A rule's message shows on its own line in the rules cell; the rules in the notes.
    EXPECT_NE(doc.text.find("error 8500 (12): A synthetic rule message"), std::string::npos);
    for (const std::string& rule : {sa.rating_rule(), sa.direction_rule(), sa.findings_rule()})
      EXPECT_NE(doc.text.find(rule), std::string::npos);
    const size_t notes = doc.text.rfind("Notes on the figures");
    ASSERT_NE(notes, std::string::npos);
    EXPECT_GT(doc.text.find(sa.findings_rule(), notes), notes);
    EXPECT_GT(doc.text.find("Data quality"), doc.text.find(sa.areas(2).title()));
  }
}

// The checks above can fail: a table whose figure differs, or without its repeated
// header row, is reported.
TEST(DocxTest, TableCheckFindsAWrongFigureAndAMissingHeaderMark) {
  WordDoc doc;
  doc.tables.push_back({{{"Measure", "2015/16"}, {"Contacts", "11,393"}}, true, "Table 1: Contacts", {}, 0});
  ExpectTable(doc, {"Table 1: Contacts", {{"Contacts", "11,393"}}});
  EXPECT_NONFATAL_FAILURE(ExpectTable(doc, {"Table 1: Contacts", {{"Contacts", "11,394"}}}), "no Word table holds");
  EXPECT_NONFATAL_FAILURE(ExpectTable(doc, {"Table 2: Contacts", {{"Contacts", "11,393"}}}), "no Word table holds");
  doc.tables[0].header_repeats = false;
  EXPECT_NONFATAL_FAILURE(ExpectTable(doc, {"Table 1: Contacts", {{"Contacts", "11,393"}}}), "w:tblHeader");
}

TEST(DocxTest, CoverTableTakesAnyRowsAndEscapesThem) {
  const std::string xml = DocxCoverTable({{"Meeting", "Cabinet, 14 March <2017>"}, {"Wards", "All & none"}});
  std::string error;
  WordDoc doc = ReadDocument(absl::StrCat("<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
                                          "<w:body>", xml, "</w:body></w:document>"),
                             &error);
  EXPECT_EQ(error, "");
  ASSERT_EQ(doc.tables.size(), 1u);
  EXPECT_EQ(doc.tables[0].rows, (std::vector<Row>{{"Meeting", "Cabinet, 14 March <2017>"}, {"Wards", "All & none"}}));
}

TEST(DocxTest, ChartWithoutAViewBoxIsAnErrorNotACrash) {
  EXPECT_FALSE(RasteriseChart("<svg width=\"10\"></svg>").ok());
  EXPECT_FALSE(RasteriseChart("not svg at all").ok());
  auto broken = RasteriseChart("<svg viewBox=\"0 0 10 10\"><rect</svg>");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("librsvg"), std::string::npos) << broken.status();
}

// --- LibreOffice ---------------------------------------------------------------------

std::string RunShell(const std::string& command, int* status) {
  std::string out;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return out;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  *status = ::pclose(p);
  return out;
}

bool OnPath(const char* program) {
  int status = -1;
  RunShell(absl::StrCat("command -v ", program), &status);
  return status == 0;
}

// Converts `docx` to PDF with LibreOffice in `dir`, with its own HOME and profile so
// tests running at once do not share one, and returns pdftotext's text of it.
std::string PdfText(const std::string& docx, const fs::path& dir) {
  const fs::path in = dir / "report.docx";
  std::ofstream(in, std::ios::binary) << docx;
  int status = -1;
  const std::string log = RunShell(absl::StrCat("cd '", dir.string(), "' && HOME='", dir.string(),
                                                "' timeout 300 soffice -env:UserInstallation=file://", dir.string(),
                                                "/profile --headless --norestore --convert-to pdf --outdir '",
                                                dir.string(), "' '", in.string(), "'"),
                                   &status);
  EXPECT_EQ(status, 0) << log;
  const fs::path pdf = dir / "report.pdf";
  EXPECT_TRUE(fs::exists(pdf)) << "soffice wrote no PDF: " << log;
  if (!fs::exists(pdf)) return "";
  std::string text = RunShell(absl::StrCat("pdftotext -enc UTF-8 '", pdf.string(), "' -"), &status);
  EXPECT_EQ(status, 0) << text;
  return text;
}

// The figures (cells that are numbers, not words) of every expected table.
void ExpectFiguresInPdf(const std::string& pdf_text, const std::vector<ExpectedTable>& tables) {
  // pdftotext breaks lines where the layout does; compare word by word.
  std::istringstream words(pdf_text);
  std::set<std::string> seen;
  for (std::string w; words >> w;) seen.insert(w);
  size_t checked = 0;
  for (const auto& t : tables) {
    for (const Row& row : t.rows) {
      for (size_t i = 1; i < row.size(); ++i) {
        const std::string& cell = row[i];
        const bool figure = !cell.empty() && cell.find(' ') == std::string::npos &&
                            (std::isdigit(static_cast<unsigned char>(cell.back())) || cell.back() == '%');
        if (!figure) continue;
        ++checked;
        EXPECT_TRUE(seen.count(cell)) << t.caption << " / " << row[0] << ": " << cell << " is not in the PDF";
      }
    }
  }
  EXPECT_GT(checked, 50u);
}

class DocxInLibreOfficeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!OnPath("soffice") || !OnPath("pdftotext"))
      GTEST_SKIP() << "soffice or pdftotext is not installed: scripts/test installs them "
                      "(apt-get install libreoffice-writer-nogui poppler-utils)";
  }
};

TEST_F(DocxInLibreOfficeTest, AnnualReportConvertsToPdfWithEveryFigure) {
  const v1::AnnualReport report = SeedReport();
  auto out = Render(report, v1::DOCX, /*publish=*/true);
  ASSERT_TRUE(out.ok()) << out.status();
  const fs::path dir = TempDir("docx-lo-annual");
  Cleanup cleanup{dir};
  const std::string text = PdfText(out->content(), dir);
  ExpectFiguresInPdf(text, Expected(Published(report, true)));
  EXPECT_NE(text.find("Page 1 of "), std::string::npos) << "the footer's page fields";
}

TEST_F(DocxInLibreOfficeTest, SelfAssessmentConvertsToPdfWithEveryFigure) {
  const v1::SelfAssessment sa = SeedAssessment();
  auto out = Render(sa, v1::DOCX);
  ASSERT_TRUE(out.ok()) << out.status();
  const fs::path dir = TempDir("docx-lo-sa");
  Cleanup cleanup{dir};
  const std::string text = PdfText(out->content(), dir);
  const std::vector<ExpectedTable> tables = Expected(sa);
  ExpectFiguresInPdf(text, tables);
  // No cell of an evidence table that is a figure wraps, on the landscape page: a rank
  // ("rank 12 of 152, quartile A"), a direction ("\u25BC deteriorating") and a figure with
  // DfE's dagger ("621,470 \u2020") are
  // on one line of the PDF's text, as the HTML prints them (white-space:nowrap).
  std::set<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.insert(line);
  auto on_a_line = [&](const std::string& cell) {
    for (const auto& line : lines) {
      if (line.find(cell) != std::string::npos) return true;
    }
    return false;
  };
  size_t whole = 0;
  for (const auto& t : tables) {
    if (t.caption.find("three-year trend") == std::string::npos) continue;
    for (const Row& row : t.rows) {
      for (size_t i = 1; i < row.size(); ++i) {
        const std::string& cell = row[i];
        const bool direction = cell.rfind("\u25B2", 0) == 0 || cell.rfind("\u25BC", 0) == 0 || cell.rfind("\u25AC", 0) == 0;
        const bool kept_whole = direction || cell.rfind("rank ", 0) == 0 || cell.find("\u2020") != std::string::npos ||
                                (!cell.empty() && std::isdigit(static_cast<unsigned char>(cell[0])));
        if (!kept_whole) continue;
        ++whole;
        EXPECT_TRUE(on_a_line(cell)) << t.caption << " / " << row[0] << ": \"" << cell << "\" wraps in the PDF";
      }
    }
  }
  EXPECT_GT(whole, 30u);
}

}  // namespace
}  // namespace carestat
