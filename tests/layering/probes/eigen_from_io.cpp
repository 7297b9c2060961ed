// Must not compile: core/io may not include Eigen (only core/learning sees it).
#include "core/io/scenarioio.h"
#include <Eigen/Core>
