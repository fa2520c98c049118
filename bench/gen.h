// File: gen.h
// Large synthetic returns for the benchmarks, written by streaming (memory does not
// grow with the file): a CIN census XML, an SSDA903 Episodes CSV and XML return, and
// Ofsted Annex A list 1 as CSV and as an XLSX workbook. Every file is for LA 301 and the
// collection year 2016 (2015-16), and is meant to pass the ingestion rules, so that a
// benchmark measures the normal path (records stored, few issues): `carestat validate
// --la 301 --year 2016` finds no issue in the CIN census or the Episodes CSV, and in the
// XML return only rule 630 (no previous permanence details), once a child, which cannot
// be met for 2015-16: 634 forbids those details before 1 April 2016. Deterministic: the
// same arguments give the same bytes. No real child is described.
//   GenOptions o;  o.children = 50000;
//   absl::StatusOr<GenResult> r = WriteCinCensus("/tmp/cin.xml", o);
//   // r->bytes, r->records (what a parser should report), r->children
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace carestat::bench {

struct GenOptions {
  int64_t children = 10000;  // children (CIN census, SSDA903) or rows (Annex A)
  int64_t target_bytes = 0;  // > 0: keep writing children until the file reaches this size
  uint64_t seed = 1;
};

struct GenResult {
  int64_t bytes = 0;
  int64_t records = 0;   // records the file holds (a child's Child record counts)
  int64_t children = 0;
};

// LA 301, ReferenceDate 2016-03-31; each child has 1 or 2 CIN episodes with an
// assessment, and some a CIN plan, a section 47 enquiry and a child protection plan (a
// CIN plan ends the day a protection plan starts; conferences are held on working days).
absl::StatusOr<GenResult> WriteCinCensus(const std::string& path, const GenOptions& options);
// The SSDA903 Episodes table (CSV): 1 to 3 episodes a child, the first starting care
// (RNE S) after 1 April 2015, so no child is looked after for 12 months (no OC2 needed).
absl::StatusOr<GenResult> WriteSsda903EpisodesCsv(const std::string& path, const GenOptions& options);
// The SSDA903 return as XML (EXPSSDA903): HEADER (a girl's MOTHER 0) and the same kind
// of episodes for each child.
absl::StatusOr<GenResult> WriteSsda903Xml(const std::string& path, const GenOptions& options);
// Annex A list 1 (contacts) as CSV: `children` rows.
absl::StatusOr<GenResult> WriteAnnexAList1Csv(const std::string& path, const GenOptions& options);
// The Annex A workbook with one sheet, list 1, of `children` rows (inline strings,
// serial dates), deflated as Excel writes it.
absl::StatusOr<GenResult> WriteAnnexAList1Xlsx(const std::string& path, const GenOptions& options);

}  // namespace carestat::bench
