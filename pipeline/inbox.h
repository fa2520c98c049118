// File: inbox.h
// The inbox layout INBOX/<LA code>/<collection year>/<files>, and the client side of
// an upload: what `carestat run` and the scheduled pipeline share.
//   std::vector<std::string> problems;
//   for (const InboxFile& f : ScanInbox("/srv/inbox", &problems)) UploadFile(stub, f);
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "carestat/v1/ingestion.grpc.pb.h"

namespace carestat {

struct InboxFile {
  std::string la;
  int collection_year = 0;
  std::string path;
  std::string name;   // path relative to the inbox, for messages
};

// Files under INBOX/<LA>/<year>/ in a stable order (LA, year, name). Folders that do
// not fit the layout are skipped and described in `problems`; hidden files (".x"),
// and marker files ending in .ready or .partial, are not returns.
std::vector<InboxFile> ScanInbox(const std::string& inbox, std::vector<std::string>* problems);

// Infers LA and collection year from a path like .../301/2016/file.xml.
bool LaAndYearFromPath(const std::string& path, std::string* la, int* year);

// Streams a file to the ingestion service in 1 MiB chunks with a deadline.
absl::StatusOr<v1::UploadResponse> UploadFile(v1::Ingestion::Stub& stub, const InboxFile& file,
                                              int deadline_seconds = 600);

}  // namespace carestat
