// Must not compile: core/dnn does not link core/planning.
#include "core/dnn/dnn.h"
#include "core/planning/planner.h"
