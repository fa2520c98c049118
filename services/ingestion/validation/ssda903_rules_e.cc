// DfE rules (batch ssda903_rules_e): see model.h for how a rule is written and registered.
#include "services/ingestion/validation/model.h"

namespace carestat::validation {
namespace {

}  // namespace

void AddSsda903RulesE(std::vector<RuleDef>* defs) {}

}  // namespace carestat::validation
