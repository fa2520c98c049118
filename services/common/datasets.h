// File: datasets.h
// Dataset names: a return is (LA, dataset, collection year), and metrics reads which
// financial years each dataset covers from them.
//   if (info.dataset() == kDatasetCinCensus) ...
#pragma once

namespace carestat {
inline constexpr char kDatasetCinCensus[] = "cin-census";
inline constexpr char kDatasetAnnexAList1[] = "annex-a-list-1";
}  // namespace carestat
