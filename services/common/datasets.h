// File: datasets.h
// Dataset names: a return is (LA, dataset, collection year), and metrics reads which
// financial years each dataset covers from them.
//   if (info.dataset() == kDatasetCinCensus) ...
//   AnnexAListDataset(3) == "annex-a-list-3"; Ssda903Dataset("episodes") == "ssda903-episodes"
#pragma once

#include <string>

namespace carestat {
inline constexpr char kDatasetCinCensus[] = "cin-census";
inline constexpr char kDatasetAnnexAList1[] = "annex-a-list-1";
inline constexpr char kDatasetAnnexAWorkbook[] = "annex-a";      // all lists in one workbook
inline constexpr char kDatasetSsda903Xml[] = "ssda903";          // the whole return as XML
inline constexpr char kDatasetLocalMeasures[] = "local-measures";
// DfE's rules over an LA's SSDA903 CSV tables of a year together (and last year's): the
// issues no table shows alone, found by the pipeline (Ingestion.RecordChecks). No records.
inline constexpr char kDatasetSsda903Checks[] = "checks-ssda903";

inline std::string AnnexAListDataset(int list) { return "annex-a-list-" + std::to_string(list); }
inline std::string Ssda903Dataset(const std::string& table) { return "ssda903-" + table; }
}  // namespace carestat
