// File: synth/las.h
// England's 152 local authorities as the national synthetic year uses them: DfE code,
// name and a synthetic child population that sizes the LA's synthetic volumes.
//   for (const SynthLa& la : SynthLas()) { /* la.code "301", la.children 61000 */ }
#pragma once

#include <vector>

namespace carestat {

struct SynthLa {
  const char* code;  // DfE LA code
  const char* name;
  int children;      // a synthetic size (children aged 0-17, to 1,000): not a sourced figure
};

// The 152 LAs of 2015-16, in code order.
const std::vector<SynthLa>& SynthLas();

}  // namespace carestat
