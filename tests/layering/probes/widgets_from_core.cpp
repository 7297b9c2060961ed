// Must not compile: core/model may not include a widgets header.
#include "core/model/scenario.h"
#include "widgets/views/mainwindow.h"
