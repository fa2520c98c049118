// DfE rules (batch ssda903_rules_c): see model.h for how a rule is written and registered.
#include "services/ingestion/validation/model.h"

namespace carestat::validation {
namespace {

}  // namespace

void AddSsda903RulesC(std::vector<RuleDef>* defs) {}

}  // namespace carestat::validation
