// File: report_walk.h
// Test helper: every v1::Cell of a report, by ref, through Protobuf reflection.
//   for (const v1::Cell* c : AllCells(report)) if (!c->ref().empty()) ...
#pragma once

#include <map>
#include <vector>

#include <google/protobuf/message.h>

#include "carestat/v1/reporting.pb.h"

namespace carestat {

inline void WalkCells(const google::protobuf::Message& m, std::vector<const v1::Cell*>* out) {
  if (auto* cell = dynamic_cast<const v1::Cell*>(&m)) {
    out->push_back(cell);
    return;
  }
  const auto* r = m.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const auto* f : fields) {
    if (f->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE || f->is_map()) continue;
    if (f->is_repeated()) {
      for (int i = 0; i < r->FieldSize(m, f); ++i) WalkCells(r->GetRepeatedMessage(m, f, i), out);
    } else {
      WalkCells(r->GetMessage(m, f), out);
    }
  }
}

inline std::vector<const v1::Cell*> AllCells(const google::protobuf::Message& m) {
  std::vector<const v1::Cell*> out;
  WalkCells(m, &out);
  return out;
}

inline std::multimap<std::string, const v1::Cell*> CellsByRef(const google::protobuf::Message& m) {
  std::multimap<std::string, const v1::Cell*> out;
  for (const v1::Cell* c : AllCells(m)) {
    if (!c->ref().empty()) out.emplace(c->ref(), c);
  }
  return out;
}

}  // namespace carestat
