// File: embedded.h
// Reference tables shipped in reference/*.csv, compiled into the binaries so a
// server needs no path to find them. Each table keeps its source column.
//   auto pops = ParsePopulations(kEmbedded_populations);
#pragma once

namespace carestat {
extern const char* const kEmbedded_populations;
extern const char* const kEmbedded_local_authorities;
extern const char* const kEmbedded_bank_holidays;
extern const char* const kEmbedded_comparators;
extern const char* const kEmbedded_neighbours;
extern const char* const kEmbedded_targets;
extern const char* const kEmbedded_postcode_districts;
// DfE LAIT tables (docs/BENCHMARKING.md), read by services/metrics/reference/lait.h.
extern const char* const kEmbedded_lait_values;
extern const char* const kEmbedded_lait_las;
extern const char* const kEmbedded_lait_neighbours;
extern const char* const kEmbedded_lait_mapping;
extern const char* const kEmbedded_la_codes;
// DfE's statistical-release figures where LAIT has none (scripts/dfe-release-extract).
extern const char* const kEmbedded_dfe_values;
// The council's own published figures (seed-figures.csv: LA 301's annual report and
// related documents), which the annual report reconciles its figures with.
extern const char* const kEmbedded_seed_figures;
}  // namespace carestat
