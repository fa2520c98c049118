// DfE rules (batch ssda903_rules_a): see model.h for how a rule is written and registered.
#include "services/ingestion/validation/model.h"

namespace carestat::validation {
namespace {

}  // namespace

void AddSsda903RulesA(std::vector<RuleDef>* defs) {}

}  // namespace carestat::validation
