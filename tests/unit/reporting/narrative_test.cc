// The council's narrative (issue 16): the file's front matter, sections and figure
// markers are read, with errors naming the file, line and heading; a draft generated from
// the seed-like fake metrics, edited and re-rendered keeps the edits and renders every
// marker; a figure changed afterwards marks the sentence quoting it stale in Markdown,
// HTML and DOCX, and lists it in the notes, while the others stay as written.
#include <gtest/gtest.h>
#include <unistd.h>
#include <unzip.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "services/reporting/render/render.h"
#include "services/reporting/reports/annual.h"
#include "services/reporting/reports/narrative.h"
#include "services/reporting/reports/self_assessment.h"
#include "tests/unit/reporting/fake_metrics.h"

namespace carestat {
namespace {

namespace fs = std::filesystem;

v1::AnnualReport Annual(FakeMetrics& m) {
  auto r = BuildAnnualReport("301", "2015-16", m, 0);
  EXPECT_TRUE(r.ok()) << r.status();
  return *r;
}

v1::SelfAssessment Assessment(FakeMetrics& m) {
  auto r = BuildSelfAssessment("301", "2015-16", m, nullptr, 0);
  EXPECT_TRUE(r.ok()) << r.status();
  return *r;
}

NarrativeFile Parsed(const std::string& text) {
  auto f = ParseNarrative(text, "N.md");
  EXPECT_TRUE(f.ok()) << f.status();
  return f.ok() ? *f : NarrativeFile();
}

std::string Rendered(const v1::AnnualReport& r, v1::Format f, bool publish = false) {
  auto out = Render(r, f, publish);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? out->content() : "";
}

// word/document.xml of a DOCX, with its runs' text joined (Word splits a paragraph
// into runs at every change of emphasis).
std::string DocxText(const std::string& docx) {
  char tmpl[] = "/tmp/narrative-test-XXXXXX";
  const int fd = mkstemp(tmpl);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(write(fd, docx.data(), docx.size()), static_cast<ssize_t>(docx.size()));
  close(fd);
  std::string xml;
  unzFile z = unzOpen(tmpl);
  EXPECT_NE(z, nullptr);
  if (z != nullptr && unzLocateFile(z, "word/document.xml", 1) == UNZ_OK && unzOpenCurrentFile(z) == UNZ_OK) {
    char buf[65536];
    for (int n; (n = unzReadCurrentFile(z, buf, sizeof buf)) > 0;) xml.append(buf, n);
    unzCloseCurrentFile(z);
  }
  if (z != nullptr) unzClose(z);
  fs::remove(tmpl);
  // Paragraph by paragraph, the text of its runs.
  std::string text;
  static const std::regex kPara("<w:p[ >][\\s\\S]*?</w:p>"), kText("<w:t[^>]*>([^<]*)</w:t>");
  for (auto p = std::sregex_iterator(xml.begin(), xml.end(), kPara); p != std::sregex_iterator(); ++p) {
    const std::string para = p->str();
    for (auto t = std::sregex_iterator(para.begin(), para.end(), kText); t != std::sregex_iterator(); ++t)
      text += (*t)[1].str();
    text += "\n";
  }
  return absl::StrReplaceAll(text, {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&apos;", "'"}, {"&#39;", "'"}, {"&quot;", "\""}});
}

const char kSmall[] =
    "---\n"
    "meeting: Cabinet\n"
    "meeting_date: 18 October 2016\n"
    "author: Jo Example, Policy Manager\n"
    "wards: TODO\n"
    "recommendations:\n"
    "- Note the report\n"
    "- TODO another\n"
    "- Agree the priorities for 2016/17\n"
    "reasons:\n"
    "- Members are corporate parents\n"
    "---\n"
    "\n"
    "## Summary\n"
    "\n"
    "An overview of the year,\n"
    "on two lines.\n"
    "\n"
    "TODO: this guidance is not printed.\n"
    "\n"
    "- first point\n"
    "- second *point*\n"
    "\n"
    "## Table 1: Contacts and referrals\n"
    "\n"
    "Contacts rose to {{table1/contacts/2015-16 = 11,393}} in the year. Referrals fell.\n";

TEST(NarrativeParse, FrontMatterSectionsAndMarkers) {
  NarrativeFile f = Parsed(kSmall);
  EXPECT_EQ(f.cover["meeting"], "Cabinet");
  EXPECT_EQ(f.cover["author"], "Jo Example, Policy Manager");
  EXPECT_EQ(f.cover["wards"], "") << "a TODO value is still to be written";
  EXPECT_EQ(f.recommendations, (std::vector<std::string>{"Note the report", "Agree the priorities for 2016/17"}));
  EXPECT_EQ(f.reasons, std::vector<std::string>{"Members are corporate parents"});
  ASSERT_EQ(f.sections.size(), 2u);
  EXPECT_EQ(f.sections[0].heading, "Summary");
  EXPECT_EQ(f.sections[0].line, 14);
  ASSERT_EQ(f.sections[0].blocks.size(), 3u) << "the TODO paragraph is dropped";
  EXPECT_EQ(f.sections[0].blocks[0].text, "An overview of the year, on two lines.");
  EXPECT_EQ(f.sections[0].blocks[0].line, 16);
  EXPECT_TRUE(f.sections[0].blocks[1].list_item);
  EXPECT_EQ(f.sections[0].blocks[2].text, "second *point*");
  EXPECT_EQ(f.sections[1].heading, "Table 1: Contacts and referrals");

  FakeMetrics m = SeedLikeMetrics();
  v1::AnnualReport r = Annual(m);
  ASSERT_TRUE(CheckHeadings(f, NarrativeHeadings(&r, nullptr)).ok());
  ASSERT_TRUE(ApplyNarrative(f, &r).ok());
  const v1::Narrative& n = r.narrative();
  ASSERT_EQ(n.cover_size(), 12);
  EXPECT_EQ(n.cover(0).label(), "Meeting");
  EXPECT_EQ(n.cover(2).value(), "Children's Social Care Annual Report 2015/16") << "an empty title is the report's";
  ASSERT_EQ(n.sections_size(), 2);
  EXPECT_EQ(n.sections(1).anchor(), "table1");
  EXPECT_EQ(n.sections(1).paragraphs(0).text(), "Contacts rose to 11,393 in the year. Referrals fell.");
  EXPECT_FALSE(n.sections(1).paragraphs(0).stale());
  EXPECT_EQ(n.sections(1).paragraphs(0).refs(0), "contacts@2015-16");
  EXPECT_EQ(n.stale_size(), 0);
}

TEST(NarrativeParse, ErrorsNameTheFileLineAndWhat) {
  FakeMetrics m = SeedLikeMetrics();
  v1::AnnualReport r = Annual(m);
  v1::SelfAssessment sa = Assessment(m);
  const auto headings = NarrativeHeadings(&r, &sa);

  NarrativeFile f = Parsed("## Summary\n\nText.\n\n## Table 3\n\nNo such table.\n");
  absl::Status s = CheckHeadings(f, headings);
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  const std::string msg(s.message());
  EXPECT_TRUE(absl::StrContains(msg, "N.md line 5")) << msg;
  EXPECT_TRUE(absl::StrContains(msg, "'## Table 3'")) << msg;
  // The valid headings are listed, from both reports' models.
  for (const char* h : {"'## Table 1'", "'## Table 4'", "'## Figure 4'", "'## Summary'", "'## Implications / Legal'",
                        "'## Child protection'", "'## Help and protection / Audit findings'",
                        "'## Impact of leaders / Plans for the next 12 months'"})
    EXPECT_TRUE(absl::StrContains(msg, h)) << h << " in " << msg;

  // The same section twice.
  s = CheckHeadings(Parsed("## Table 1\n\nA.\n\n## Table 1: again\n\nB.\n"), headings);
  EXPECT_TRUE(absl::StrContains(s.message(), "line 5")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "begun at line 1")) << s;

  struct Bad {
    const char* text;
    const char* says;
  } bad[] = {
      {"---\nmeeting: Cabinet\ncolour: blue\n---\n", "N.md line 3: unknown front matter key 'colour'"},
      {"---\nmeeting: Cabinet\n", "N.md line 1: the front matter opened here is not closed"},
      {"Intro before any heading.\n", "N.md line 1: text before the first '## ' heading"},
      {"## Summary\n\nSee <script>alert(1)</script> here.\n", "N.md line 3: raw HTML is not allowed"},
      {"## Summary\n\n<!-- a comment -->\n", "N.md line 3: raw HTML is not allowed"},
      {"## Summary\n\n# Top heading\n", "N.md line 3: only '## ' headings"},
      {"## Summary\n\nChild A123456789012 was seen.\n", "N.md line 3: this looks like a child's UPN"},
      {"## Summary\n\nBroken {{table1/contacts/2015-16 11,393}} marker.\n", "N.md line 3: the figure marker"},
      {"---\nauthor: <b>Jo</b>\n---\n", "N.md line 2: raw HTML"},
      {"---\nrecommendations:\n- Note {{table1/contacts/2015-16 = 11,393}}\n---\n", "N.md line 3: a figure marker"},
      {"---\n- stray item\n---\n", "N.md line 2: a '- ' item belongs under"},
  };
  for (const Bad& b : bad) {
    auto p = ParseNarrative(b.text, "N.md");
    ASSERT_FALSE(p.ok()) << b.text;
    EXPECT_TRUE(absl::StrContains(p.status().message(), b.says)) << p.status() << "\nwanted: " << b.says;
  }

  // A marker naming a figure the report does not hold.
  NarrativeFile unknown = Parsed("## Table 2\n\nIt was {{table2/cin_rate/2031-32 = 349}}.\n");
  s = ApplyNarrative(unknown, &r);
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(s.message(), "N.md line 3 (under '## Table 2')")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "table2/cin_rate/2031-32")) << s;
}

TEST(NarrativeRender, NoHtmlPassesThrough) {
  FakeMetrics m = SeedLikeMetrics();
  v1::AnnualReport r = Annual(m);
  NarrativeFile f = Parsed(
      "---\nauthor: A & B \"Team\" <5 staff>\n---\n## Summary\n\nFewer than <5 & more than 2 > 1; **strong** and "
      "*em* 'quoted'.\n");
  ASSERT_TRUE(ApplyNarrative(f, &r).ok());
  const std::string html = Rendered(r, v1::HTML);
  EXPECT_TRUE(absl::StrContains(html, "A &amp; B &quot;Team&quot; &lt;5 staff&gt;")) << "cover value escaped";
  EXPECT_TRUE(absl::StrContains(
      html, "<p>Fewer than &lt;5 &amp; more than 2 &gt; 1; <strong>strong</strong> and <em>em</em> &#39;quoted&#39;.</p>"))
      << html.substr(html.find("Fewer") - 200, 400);
  EXPECT_FALSE(absl::StrContains(html, "<5 staff>"));
}

// Whatever the file holds, reading, applying and rendering it never crash: each either
// works or says why.
TEST(NarrativeParse, AnyInputIsReadOrRefusedWithoutCrashing) {
  FakeMetrics m = SeedLikeMetrics();
  const v1::AnnualReport base = Annual(m);
  const v1::SelfAssessment sa_base = Assessment(m);
  const std::vector<std::string> tokens = {
      "---", "\n", "\n\n", "## ", "Summary", "Table 1", "Figure 2", "Implications / Risk",
      "Help and protection / Audit findings", "meeting: ", "recommendations:", "- ", "* ", "**", "*", "{{", "}}", " = ",
      "table1/contacts/2015-16", "11,393", "TODO", "<", ">", "&", "\r", ":", "#", ".", " ", "x", "\xC3\xA9", "\xFF", "A123456789012"};
  std::mt19937 rng(16);
  int read = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    const int n = static_cast<int>(rng() % 40);
    for (int k = 0; k < n; ++k) text += tokens[rng() % tokens.size()];
    auto f = ParseNarrative(text, "fuzz.md");
    if (!f.ok()) {
      EXPECT_TRUE(absl::StartsWith(f.status().message(), "fuzz.md line ")) << f.status();
      continue;
    }
    ++read;
    v1::AnnualReport r = base;
    v1::SelfAssessment sa = sa_base;
    (void)CheckHeadings(*f, NarrativeHeadings(&r, &sa));
    if (ApplyNarrative(*f, &r).ok() && ApplyNarrative(*f, &sa).ok()) {
      for (v1::Format format : {v1::MARKDOWN, v1::HTML, v1::CSV}) {
        auto out = Render(r, format, i % 2 == 0);
        EXPECT_TRUE(out.ok()) << out.status();
      }
    }
  }
  EXPECT_GT(read, 100) << "too few inputs were read to test the rest";
}

// The seed's words, generated: each figure marked, so it can be checked at every build.
TEST(NarrativeDraft, SeedRegisterWithEveryFigureMarked) {
  FakeMetrics m = SeedLikeMetrics();
  v1::AnnualReport r = Annual(m);
  v1::SelfAssessment sa = Assessment(m);
  const std::string d = DraftNarrative(r, &sa);
  EXPECT_TRUE(absl::StrContains(
      d, "The number of contacts received (including multiple contacts on a child) rose by "
         "{{table1/contacts/change_1y = 34%}} to {{table1/contacts/2015-16 = 11,393}} in 2015-16, compared with "
         "{{table1/contacts/2014-15 = 8,515}} in 2014-15. This is the highest of the 6 years shown, from 2010-11."))
      << d;
  EXPECT_TRUE(absl::StrContains(d, "The number of referrals fell by {{table1/referrals/change_1y = 20%}} to "
                                   "{{table1/referrals/2015-16 = 3,255}}"))
      << d;
  EXPECT_TRUE(absl::StrContains(d, "This compares with statistical neighbours ({{table2/cin_rate/SN:301 = 428}}), "
                                   "London ({{table2/cin_rate/LON = 371}}) and England ({{table2/cin_rate/ENG = 337}})."))
      << d;
  // A percentage's change is not given in per cent of itself.
  EXPECT_TRUE(absl::StrContains(d, "The percentage of children coming into care on Police protection rose to "
                                   "{{table4/lac_police_protection_pct/2015-16 = 24.5%}} in 2015-16"))
      << d;
  for (const char* h : {"## Table 1: ", "## Table 2: ", "## Table 4: ", "## Figure 1: ", "## Figure 2: ", "## Figure 3: ",
                        "## Figure 4: ", "## Summary", "## Implications / Financial", "## Help and protection / Audit findings"})
    EXPECT_TRUE(absl::StrContains(d, h)) << h;
  // The draft reads back, every heading is a section, every marker resolves to what it quotes.
  NarrativeFile f = Parsed(d);
  ASSERT_TRUE(CheckHeadings(f, NarrativeHeadings(&r, &sa)).ok());
  ASSERT_TRUE(ApplyNarrative(f, &r).ok());
  EXPECT_EQ(r.narrative().stale_size(), 0);
  int paragraphs = 0;
  for (const auto& s : r.narrative().sections()) {
    for (const auto& p : s.paragraphs()) {
      ++paragraphs;
      EXPECT_FALSE(absl::StrContains(p.text(), "{{")) << p.text();
    }
  }
  EXPECT_EQ(paragraphs, 10) << "a paragraph for each table and figure; the TODOs are not printed";
}

// The self-evaluation's slots quote its evidence tables' figures the same way.
TEST(NarrativeDraft, SelfEvaluationSlotQuotingAChangedFigureIsStale) {
  FakeMetrics m = SeedLikeMetrics();
  v1::SelfAssessment sa = Assessment(m);
  const auto figures = QuotableFigures(sa);
  auto it = figures.find("sa/cpp_year_end/2015-16");
  ASSERT_NE(it, figures.end());
  EXPECT_EQ(it->second.text, "253");
  const NarrativeFile f = Parsed(
      "## Help and protection / Audit findings\n\nAudits of the {{sa/cpp_year_end/2015-16 = 253}} plans found them "
      "timely. Supervision was regular.\n");
  ASSERT_TRUE(ApplyNarrative(f, &sa).ok());
  EXPECT_EQ(sa.areas(0).evidence(0).paragraphs(0), "Audits of the 253 plans found them timely. Supervision was regular.");
  EXPECT_EQ(sa.narrative_stale_size(), 0);

  m.Put("301", "cpp_year_end", "", 2015, 260);
  v1::SelfAssessment now = Assessment(m);
  ASSERT_TRUE(ApplyNarrative(f, &now).ok());
  EXPECT_EQ(now.areas(0).evidence(0).paragraphs(0),
            "Audits of the 253 plans found them timely. [stale: this sentence quotes 253; the figure is now 260] "
            "Supervision was regular.");
  ASSERT_EQ(now.narrative_stale_size(), 1);
  EXPECT_TRUE(absl::StrContains(now.narrative_stale(0), "Help and protection / Audit findings (N.md line 3)"));
  for (v1::Format format : {v1::MARKDOWN, v1::HTML}) {
    auto out = Render(now, format);
    ASSERT_TRUE(out.ok());
    EXPECT_TRUE(absl::StrContains(out->content(), "[stale: this sentence quotes 253; the figure is now 260]"));
    EXPECT_TRUE(absl::StrContains(out->content(), "Stale sentences: 1")) << "listed in the notes";
  }
}

// Issue 16's test: a draft generated, edited, re-rendered; a changed figure marks its
// sentence stale in every format and the notes; unchanged ones are not.
TEST(NarrativeDraft, EditedThenAFigureChanges) {
  FakeMetrics m = SeedLikeMetrics();
  v1::AnnualReport r = Annual(m);
  v1::SelfAssessment sa = Assessment(m);
  std::string text = DraftNarrative(r, &sa);
  // The analyst's edits: a cover field, a sentence of their own, the summary, an audit finding.
  text = absl::StrReplaceAll(text, {{"author: TODO Report author", "author: Jo Example, Policy Manager"},
                                    {"TODO: what this report covers and its main messages.",
                                     "Demand was **managed** through the year."},
                                    {"The number of referrals fell by", "Tighter gatekeeping meant the number of referrals fell by"}});
  text = absl::StrReplaceAll(text, {{"## Help and protection / Audit findings\n\nTODO: the self-evaluation's text for this slot.",
                                     "## Help and protection / Audit findings\n\nAudits found plans were timely."}});
  NarrativeFile f = Parsed(text);
  ASSERT_TRUE(ApplyNarrative(f, &r).ok());
  ASSERT_TRUE(ApplyNarrative(f, &sa).ok());
  const std::string md = Rendered(r, v1::MARKDOWN);
  EXPECT_TRUE(absl::StrContains(md, "| Report author | Jo Example, Policy Manager |")) << md.substr(0, 2000);
  EXPECT_TRUE(absl::StrContains(md, "| Wards affected | not yet written |"));
  EXPECT_TRUE(absl::StrContains(md, "Demand was **managed** through the year."));
  EXPECT_TRUE(absl::StrContains(md, "Tighter gatekeeping meant the number of referrals fell by 20% to 3,255 in 2015-16"));
  EXPECT_TRUE(absl::StrContains(md, "rose by 34% to 11,393 in 2015-16, compared with 8,515 in 2014-15."));
  EXPECT_FALSE(absl::StrContains(md, "{{"));
  EXPECT_FALSE(absl::StrContains(md, "[stale"));
  EXPECT_FALSE(absl::StrContains(md, "TODO"));
  // The narrative sits before its table.
  EXPECT_LT(md.find("rose by 34% to 11,393"), md.find("### Table 1:"));
  EXPECT_EQ(sa.areas(0).evidence(0).paragraphs(0), "Audits found plans were timely.");

  // After a new upload the 2015-16 contacts are 11,500: the sentences quoting them are stale.
  m.Put("301", "contacts", "", 2015, 11500);
  v1::AnnualReport now = Annual(m);
  ASSERT_TRUE(ApplyNarrative(f, &now).ok());
  const v1::Narrative& n = now.narrative();
  int stale = 0;
  for (const auto& s : n.sections()) {
    for (const auto& p : s.paragraphs()) {
      stale += p.stale();
      EXPECT_EQ(p.stale(), s.anchor() == "table1") << s.heading() << ": " << p.text();
    }
  }
  EXPECT_EQ(stale, 1);
  ASSERT_EQ(n.stale_size(), 2) << "the figure and its change";
  EXPECT_TRUE(absl::StrContains(n.stale(1), "this sentence quotes 11,393; the figure is now 11,500")) << n.stale(1);
  EXPECT_TRUE(absl::StrContains(n.stale(0), "Table 1 (N.md line ")) << n.stale(0);
  const std::string sentence =
      "rose by 34% to 11,393 in 2015-16, compared with 8,515 in 2014-15. [stale: this sentence quotes 34%; the figure "
      "is now 35%] [stale: this sentence quotes 11,393; the figure is now 11,500]";
  const std::string md2 = Rendered(now, v1::MARKDOWN);
  EXPECT_TRUE(absl::StrContains(md2, sentence)) << md2.substr(md2.find("rose by 3"), 300);
  EXPECT_TRUE(absl::StrContains(md2, "Stale sentences: 2")) << "listed in the notes";
  // The referrals sentence, in the same paragraph, quotes figures that have not changed.
  EXPECT_TRUE(absl::StrContains(md2, "fell by 20% to 3,255 in 2015-16, compared with 4,084 in 2014-15."));
  EXPECT_FALSE(absl::StrContains(md2, "4,084 in 2014-15. [stale"));
  const std::string html = Rendered(now, v1::HTML);
  EXPECT_TRUE(absl::StrContains(html, "<p class=\"stale\">")) << "marked visibly";
  EXPECT_TRUE(absl::StrContains(html, sentence));
  EXPECT_TRUE(absl::StrContains(html, "Stale sentences: 2"));
  const std::string docx = DocxText(Rendered(now, v1::DOCX));
  EXPECT_TRUE(absl::StrContains(docx, sentence)) << docx.substr(0, 3000);
  EXPECT_TRUE(absl::StrContains(docx, "Stale sentences: 2"));
  EXPECT_TRUE(absl::StrContains(docx, "Jo Example, Policy Manager"));
  // CSV: the narrative table says which paragraph is stale.
  auto csv = Render(now, v1::CSV);
  ASSERT_TRUE(csv.ok());
  std::string narrative_csv;
  for (const auto& file : csv->files()) {
    if (file.name() == "narrative.csv") narrative_csv = file.content();
  }
  EXPECT_TRUE(absl::StrContains(narrative_csv, "section,paragraph,stale,text")) << narrative_csv;
  EXPECT_TRUE(absl::StrContains(narrative_csv, ",1,yes,")) << narrative_csv;
  EXPECT_TRUE(absl::StrContains(narrative_csv, "Report author")) << narrative_csv;
}

// The seed's Cabinet cover sheet, recommendations and the text around Tables 1, 2, 4
// and Figures 1-4 in the Word document.
TEST(NarrativeRender, DocxCoverSheetRecommendationsAndText) {
  FakeMetrics m = SeedLikeMetrics();
  v1::AnnualReport r = Annual(m);
  std::string text = DraftNarrative(r);
  text = absl::StrReplaceAll(text, {{"meeting: TODO Meeting", "meeting: Cabinet"},
                                    {"- TODO what Cabinet is asked to do", "- Note the report and its priorities"}});
  ASSERT_TRUE(ApplyNarrative(Parsed(text), &r).ok());
  const std::string docx = DocxText(Rendered(r, v1::DOCX));
  // A cover sheet cell is a paragraph of its own: label, then value.
  for (const char* want : {"Meeting\nCabinet\n", "Report author\nnot yet written\n",
                           "Accountable strategic director\nnot yet written\n",
                           "Recommendation(s)", "(1) Note the report and its priorities", "Reason(s)",
                           "Implications", "Financial implications: not yet written."})
    EXPECT_TRUE(absl::StrContains(docx, want)) << want;
  for (const char* want : {"The number of contacts received", "The open cases rate per 10,000",
                           "The number of children coming into care on Police protection",
                           "The number of children and young people with a child protection plan (CPP) fell",
                           "The rate of looked after children per 10,000 fell"})
    EXPECT_TRUE(absl::StrContains(docx, want)) << want << "\n" << docx.substr(0, 4000);
}

// Published, a sentence quoting a figure suppressed by disclosure control is withheld.
TEST(NarrativeRender, PublishedWithholdsASuppressedFigure) {
  FakeMetrics m = SeedLikeMetrics();
  m.Put("301", "lac_police_protection_started", "", 2015, 3);
  v1::AnnualReport r = Annual(m);
  ASSERT_TRUE(ApplyNarrative(Parsed("## Table 4\n\nOnly {{table4/lac_police_protection_started/2015-16 = 3}} came in.\n"
                                    "\n## Table 1\n\nContacts: {{table1/contacts/2015-16 = 11,393}}.\n"),
                             &r)
                  .ok());
  const std::string internal = Rendered(r, v1::MARKDOWN);
  EXPECT_TRUE(absl::StrContains(internal, "Only 3 came in."));
  const std::string published = Rendered(r, v1::MARKDOWN, true);
  EXPECT_FALSE(absl::StrContains(published, "Only 3 came in."));
  EXPECT_TRUE(absl::StrContains(published, "[withheld for publication"));
  EXPECT_TRUE(absl::StrContains(published, "Contacts: 11,393."));
}

}  // namespace
}  // namespace carestat
