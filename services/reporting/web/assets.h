// File: assets.h
// The files the listener serves from the binary (services/reporting/web/assets/ and
// openapi.json, embedded at build time by embed_assets.cmake): no file is read at run time.
//   Asset("dashboard.css")   // its bytes; "" for an unknown name
#pragma once

#include <string>

namespace carestat::web {
const std::string& Asset(const std::string& name);
}  // namespace carestat::web
