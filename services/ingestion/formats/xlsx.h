// File: xlsx.h
// The Ofsted Annex A workbook (XLSX): one sheet per list, read with minizip and expat.
//   ParseAnnexAXlsx("/inbox/301/2016/annex_a.xlsx", "annex_a.xlsx", sink);
#pragma once

#include <string>

#include "absl/status/status.h"
#include "services/ingestion/formats/format.h"

namespace carestat {

absl::Status ParseAnnexAXlsx(const std::string& path, const std::string& file_name, ParseSink& sink);

}  // namespace carestat
