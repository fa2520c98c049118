// File: narrative.h
// The council's narrative beside the figures (docs/NARRATIVE.md): a file per LA and year
// holding the Cabinet cover sheet, recommendations and reasons (front matter), and
// Markdown sections for the summary, the text around each table and figure, the
// implications and the self-evaluation's slots. A sentence quoting a figure carries a
// marker, {{table1/referrals/2015-16 = 3,255}}: at every build it is compared with the
// figure as it is now, and a sentence whose figure has changed is marked stale rather
// than left silently wrong.
//   auto file = ParseNarrative(text, "narrative.md");                 // structure only
//   auto s = ApplyNarrative(*file, &annual_report);                   // headings checked, markers resolved
//   std::string draft = DraftNarrative(annual_report);                // a starting draft for the analyst
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "carestat/v1/reporting.pb.h"

namespace carestat {

// A section of the file as written: its heading and paragraphs (markers unresolved).
struct NarrativeBlock {
  std::string text;
  bool list_item = false;
  int line = 0;
};
struct NarrativeFileSection {
  std::string heading;   // as written, after "## "
  int line = 0;
  std::vector<NarrativeBlock> blocks;
};
struct NarrativeFile {
  std::string name;                               // for messages
  std::map<std::string, std::string> cover;       // front matter key -> value ("" when TODO)
  std::vector<std::string> recommendations, reasons;
  std::vector<NarrativeFileSection> sections;
};

// The cover sheet's front matter keys and their labels, in the seed's order.
struct CoverField {
  const char* key;
  const char* label;
};
const std::vector<CoverField>& CoverFields();

// The Cabinet paper's implications, each a "## Implications / <name>" heading, with the
// anchor its section gets: {"Financial", "implications_financial"}, ...
const std::vector<std::pair<const char*, const char*>>& NarrativeImplications();

// One heading a narrative file may use, and what the section sits beside.
struct NarrativeHeading {
  std::string heading;   // "Table 1", "Summary", "Help and protection / Audit findings"
  std::string anchor;    // "table1", "summary", "help_and_protection/audit_findings"
};
// Every heading the reports have, from their models: the summary and implications; the
// annual report's tables, figures and fact sections; the self-evaluation's slots (each
// report may be null). An unknown heading in a file is an error listing these.
std::vector<NarrativeHeading> NarrativeHeadings(const v1::AnnualReport* annual, const v1::SelfAssessment* sa);

// Reads the file's structure: front matter between "---" lines (key: value; a list as
// "- item" lines under a key), then "## heading" sections of paragraphs and "- " list
// items. Errors name the file and line. Raw HTML is refused (it would pass to the HTML
// and Word output); text that looks like a child's UPN is refused (a narrative carries
// no child data). Lines starting "TODO" are the draft's guidance: not printed.
absl::StatusOr<NarrativeFile> ParseNarrative(const std::string& text, const std::string& name);

// Every heading of `file` is one of `headings`: else INVALID_ARGUMENT naming the file,
// line and heading and listing the valid ones.
absl::Status CheckHeadings(const NarrativeFile& file, const std::vector<NarrativeHeading>& headings);

// Every figure a marker may quote, by key, with the text the report prints for it now:
// "table1/referrals/2015-16" -> "3,255". Cells' refs are kept for disclosure control.
struct QuotedFigure {
  std::string text;
  std::vector<std::string> refs;   // a change: the refs of both figures it is computed from
};
std::map<std::string, QuotedFigure> QuotableFigures(const v1::AnnualReport& report);
std::map<std::string, QuotedFigure> QuotableFigures(const v1::SelfAssessment& sa);

// Puts the narrative into the report: cover rows, recommendations, reasons, and the
// sections whose headings are the annual report's (other headings are the
// self-evaluation's and are skipped, after CheckHeadings against both). A marker naming a
// figure the report does not have is INVALID_ARGUMENT naming the file, line and key.
absl::Status ApplyNarrative(const NarrativeFile& file, v1::AnnualReport* report);
// Fills the self-evaluation's slots from the sections headed "<area> / <slot>".
absl::Status ApplyNarrative(const NarrativeFile& file, v1::SelfAssessment* sa);

// A starting draft for the analyst: front matter with the cover fields to fill (TODO),
// a TODO summary, for each table and figure a paragraph of sentences generated from its
// figures ("The number of contacts received rose by 34% to 11,393, compared with 8,515 in
// 2014-15."), each figure marked; TODO implications and self-evaluation slots.
std::string DraftNarrative(const v1::AnnualReport& report, const v1::SelfAssessment* sa = nullptr);

// For publication: a paragraph (a self-evaluation slot), a difference's reason or a year on
// year revision quoting a figure whose ref
// disclosure control suppressed is withheld: its words could give the number away.
// `suppressed` is what ApplyDisclosureControl returned.
void WithholdSuppressedNarrative(v1::AnnualReport* report, const std::set<std::string>& suppressed);
void WithholdSuppressedNarrative(v1::SelfAssessment* sa, const std::set<std::string>& suppressed);

}  // namespace carestat
