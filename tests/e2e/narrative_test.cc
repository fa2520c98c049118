// End to end (issue 16's done-when): synth and run, then `carestat narrative` writes a
// draft, the analyst's edits are made, and `carestat report annual --narrative N.md
// --format docx` gives a Word document with the Cabinet cover sheet, the recommendations
// and the text around the tables and figures; a later report without --narrative keeps
// it (reporting stored it); a wrong heading is refused naming it; and `carestat run`
// takes the narrative from the inbox beside the returns without uploading it.
#include <gtest/gtest.h>
#include <unzip.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "tests/integration/test_util.h"

namespace carestat {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const std::string& path) {
  std::stringstream s;
  s << std::ifstream(path, std::ios::binary).rdbuf();
  return s.str();
}

std::string DocumentXml(const std::string& docx_path) {
  std::string xml;
  unzFile z = unzOpen(docx_path.c_str());
  if (z == nullptr) return "";
  if (unzLocateFile(z, "word/document.xml", 1) == UNZ_OK && unzOpenCurrentFile(z) == UNZ_OK) {
    char buf[65536];
    for (int n; (n = unzReadCurrentFile(z, buf, sizeof buf)) > 0;) xml.append(buf, n);
    unzCloseCurrentFile(z);
  }
  unzClose(z);
  return xml;
}

// A cover sheet row of the DOCX: the label cell then the value cell.
bool HasCoverRow(const std::string& xml, const std::string& label, const std::string& value) {
  const size_t at = xml.find(">" + label + "</w:t>");
  if (at == std::string::npos) return false;
  const size_t row_end = xml.find("</w:tr>", at);
  return xml.find(">" + value + "</w:t>", at) < row_end;
}

TEST(NarrativeEndToEndTest, DraftEditReportDocxKeepAndInbox) {
  const std::string dir = MakeTempDir("narrative");
  const std::string carestat = BinDir() + "/pipeline/carestat";
  ASSERT_EQ(RunCommand({carestat, "synth", "--profile", "barking-and-dagenham", "--out", dir + "/inbox"}).exit_code, 0);
  auto run = RunCommand({carestat, "run", "--init", "--verbose", "--inbox", dir + "/inbox", "--out", dir + "/out", "--data", dir + "/data"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  // The draft: every figure marked, in the seed's register.
  const std::string draft_path = dir + "/N.md";
  auto draft = RunCommand({carestat, "narrative", "--la", "301", "--year", "2015-16", "-o", draft_path, "--data",
                           dir + "/data"});
  ASSERT_EQ(draft.exit_code, 0) << draft.err;
  std::string text = Slurp(draft_path);
  EXPECT_TRUE(absl::StrContains(text, "The number of contacts received (including multiple contacts on a child) rose by "
                                      "{{table1/contacts/change_1y = 34%}} to {{table1/contacts/2015-16 = 11,393}}"))
      << text;
  // A second draft never overwrites the analyst's file.
  auto again = RunCommand({carestat, "narrative", "--la", "301", "--year", "2015-16", "-o", draft_path, "--data",
                           dir + "/data"});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(again.err, "--force")) << again.err;

  // The analyst's edits.
  text = absl::StrReplaceAll(text, {{"meeting: TODO Meeting", "meeting: Cabinet"},
                                    {"author: TODO Report author", "author: Jo Example, Policy Manager"},
                                    {"- TODO what Cabinet is asked to do", "- Note the report and the priorities for 2016/17"},
                                    {"TODO: the financial implications.", "The service overspent; see the budget report."}});
  std::ofstream(draft_path, std::ios::trunc) << text;

  const std::string docx = dir + "/annual.docx";
  auto report = RunCommand({carestat, "report", "annual", "--la", "301", "--year", "2015-16", "--narrative", draft_path,
                            "--format", "docx", "-o", docx, "--data", dir + "/data"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const std::string xml = DocumentXml(docx);
  ASSERT_FALSE(xml.empty()) << "no word/document.xml in " << docx;
  EXPECT_TRUE(HasCoverRow(xml, "Meeting", "Cabinet"));
  EXPECT_TRUE(HasCoverRow(xml, "Report author", "Jo Example, Policy Manager"));
  EXPECT_TRUE(HasCoverRow(xml, "Key decision", "not yet written"));
  for (const char* want : {">Recommendation(s)<", "Note the report and the priorities for 2016/17", ">Reason(s)<",
                           "The service overspent; see the budget report.",
                           "The number of contacts received (including multiple contacts on a child) rose by 34% to 11,393",
                           "The number of children coming into care on Police protection fell",
                           "The number of children and young people with a child protection plan (CPP) fell"})
    EXPECT_TRUE(absl::StrContains(xml, want)) << want;
  EXPECT_FALSE(absl::StrContains(xml, "{{"));
  EXPECT_FALSE(absl::StrContains(xml, "[stale"));
  // LibreOffice opens it and prints it to PDF, the cover sheet, recommendations and text
  // with it (skipped where soffice is not installed; scripts/test installs it).
  if (RunCommand({"sh", "-c", "command -v soffice && command -v pdftotext"}).exit_code == 0) {
    auto pdf = RunCommand({"sh", "-c",
                           "cd '" + dir + "' && HOME='" + dir + "' timeout 300 soffice -env:UserInstallation=file://" +
                               dir + "/lo-profile --headless --norestore --convert-to pdf --outdir '" + dir + "' '" +
                               docx + "' >/dev/null && pdftotext -enc UTF-8 '" + dir + "/annual.pdf' -"});
    ASSERT_EQ(pdf.exit_code, 0) << pdf.err;
    // pdftotext breaks lines where the page does: compare with spaces for line ends.
    const std::string text_of_pdf = absl::StrReplaceAll(pdf.out, {{"\n", " "}});
    for (const char* want : {"Cabinet", "Jo Example, Policy Manager", "Note the report and the priorities for 2016/17",
                             "The service overspent; see the budget report.", "11,393", "Figures that differ from"})
      EXPECT_TRUE(absl::StrContains(text_of_pdf, want)) << want << " is not in the PDF";
  } else {
    std::printf("LibreOffice conversion skipped: soffice or pdftotext is not installed\n");
  }

  // Stored by reporting: the next report of the year carries it without --narrative.
  auto md = RunCommand({carestat, "report", "annual", "--la", "301", "--year", "2015-16", "--format", "md", "-o", "-",
                        "--data", dir + "/data"});
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_TRUE(absl::StrContains(md.out, "1. Note the report and the priorities for 2016/17")) << md.out.substr(0, 2000);

  // A heading the reports do not have is refused, naming the file, line and heading.
  std::ofstream(dir + "/bad.md") << "## Summary\n\nText.\n\n## Table 3\n\nNo such table.\n";
  auto bad = RunCommand({carestat, "report", "annual", "--la", "301", "--year", "2015-16", "--narrative",
                         dir + "/bad.md", "--format", "md", "-o", dir + "/bad-out.md", "--data", dir + "/data"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(bad.err, "bad.md line 5: the heading '## Table 3' is not a section")) << bad.err;
  EXPECT_FALSE(fs::exists(dir + "/bad-out.md"));

  // From the inbox: INBOX/301/2016/narrative.md is given to reporting, never uploaded.
  text = absl::StrReplaceAll(text, {{"meeting: Cabinet", "meeting: Cabinet, 18 October 2016"}});
  std::ofstream(dir + "/inbox/301/2016/narrative.md") << text;
  auto rerun = RunCommand({carestat, "run", "--init", "--verbose", "--inbox", dir + "/inbox", "--out", dir + "/out2", "--data", dir + "/data"});
  EXPECT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
  EXPECT_TRUE(absl::StrContains(rerun.out, "narrative ")) << rerun.out;
  EXPECT_FALSE(absl::StrContains(rerun.out, "-> 301/2016/narrative")) << "uploaded as a return:\n" << rerun.out;
  const std::string written = Slurp(dir + "/out2/301/2015-16/annual-report.md");
  EXPECT_TRUE(absl::StrContains(written, "| Meeting | Cabinet, 18 October 2016 |")) << written.substr(0, 2000);

  // A refused inbox narrative: the run says why and exits 1; the reports are written with
  // the narrative stored before.
  std::ofstream(dir + "/inbox/301/2016/narrative.md", std::ios::trunc) << "## Table 9\n\nNo such table.\n";
  auto refused = RunCommand({carestat, "run", "--init", "--verbose", "--inbox", dir + "/inbox", "--out", dir + "/out3", "--data", dir + "/data"});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_TRUE(absl::StrContains(refused.err, "301/2016/narrative.md line 1: the heading '## Table 9'")) << refused.err;
  EXPECT_TRUE(absl::StrContains(Slurp(dir + "/out3/301/2015-16/annual-report.md"), "| Meeting | Cabinet, 18 October 2016 |"));
}

}  // namespace
}  // namespace carestat
