// File: rekey.h
// Moves an ingestion data directory to a new HMAC key. Pseudonyms are one-way, so the
// stored records cannot be re-keyed in place: every stored return is ingested again
// from its original file (found by content SHA-256 in the archive) into a new data
// directory with a new key, the two are compared return by return and indicator by
// indicator, and only when they agree is the new directory put in the old one's place.
//   RekeyOptions o;
//   o.ingestion_dir = "/var/lib/carestat/ingestion";
//   o.originals = {"/var/lib/carestat/archive"};
//   auto r = Rekey(o);   // r->switched: the new key is in use; r->old_dir kept aside
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace carestat {

struct RekeyOptions {
  std::string ingestion_dir;            // holds store/, spool/, hmac.key; service stopped
  std::vector<std::string> originals;   // folders searched (recursively) for the original files
  bool dry_run = false;                 // check the originals only; change nothing
  bool delete_old = false;              // delete the old directory (and its key) after the switch
};

struct RekeyResult {
  int returns = 0;                      // stored returns before the re-key (from files)
  int checks_dropped = 0;               // the pipeline's SSDA903 checks-ssda903 returns left
                                        // behind: the next pipeline run makes them again
  std::vector<std::string> missing;     // return ids whose original was not found
  std::vector<std::string> mismatches;  // what differed between old and new (nothing switched)
  int indicator_points_compared = 0;
  bool switched = false;
  std::string old_dir;                  // where the old directory (and old key) now is, if kept
};

// FAILED_PRECONDITION when the directory is in use (the service is running) or holds no
// key; the result lists missing originals and mismatches, in which case nothing changed.
absl::StatusOr<RekeyResult> Rekey(const RekeyOptions& o);

}  // namespace carestat
