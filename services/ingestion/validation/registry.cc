// The engine's rules: one batch a file, each adding its rules' definitions.
#include <algorithm>

#include "services/ingestion/validation/model.h"

namespace carestat::validation {

void AddCinRulesA(std::vector<RuleDef>* defs);
void AddCinRulesB(std::vector<RuleDef>* defs);
void AddSsda903RulesA(std::vector<RuleDef>* defs);
void AddSsda903RulesB(std::vector<RuleDef>* defs);
void AddSsda903RulesC(std::vector<RuleDef>* defs);
void AddSsda903RulesD(std::vector<RuleDef>* defs);
void AddSsda903RulesE(std::vector<RuleDef>* defs);
void AddSsda903RulesF(std::vector<RuleDef>* defs);
void AddSsda903RulesG(std::vector<RuleDef>* defs);  // the rules that need reference data

const std::vector<RuleDef>& EngineRules() {
  static const std::vector<RuleDef>* rules = [] {
    auto* defs = new std::vector<RuleDef>();
    for (Batch b : {AddCinRulesA, AddCinRulesB, AddSsda903RulesA, AddSsda903RulesB, AddSsda903RulesC,
                    AddSsda903RulesD, AddSsda903RulesE, AddSsda903RulesF, AddSsda903RulesG}) {
      b(defs);
    }
    std::stable_sort(defs->begin(), defs->end(), [](const RuleDef& a, const RuleDef& b) {
      if (a.info.dataset != b.info.dataset) return a.info.dataset < b.info.dataset;
      return a.info.code < b.info.code;
    });
    return defs;
  }();
  return *rules;
}

}  // namespace carestat::validation
