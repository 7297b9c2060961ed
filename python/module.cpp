// The extension module `_coinfer`: the core's planners, sweeps, online simulator and readers for
// Python. It returns plain values (str, float, dict, list, numpy arrays); the package
// python/coinfer/ turns them into pandas tables.
#include "core/util/expected.h"
#include "python/modulecommon.h"

#include <pybind11/pybind11.h>

#include <string>

namespace coinfer::python {

namespace {
/// coinfer.InfeasibleError; kept for the life of the process, as Python keeps module types.
PyObject* g_infeasibleError = nullptr;
} // namespace

void raise(const Error& error)
{
    switch (error.code) {
    case ErrorCode::Io:
        PyErr_SetString(PyExc_OSError, error.message.c_str());
        throw py::error_already_set();
    case ErrorCode::Infeasible:
        PyErr_SetString(g_infeasibleError, error.message.c_str());
        throw py::error_already_set();
    default:
        throw py::value_error(error.message);
    }
}

} // namespace coinfer::python

PYBIND11_MODULE(_coinfer, module)
{
    using namespace coinfer::python;
    module.doc() = "Coinfer's Qt-free core: scenarios, planners, sweeps, the online simulator (see the package coinfer)";
    module.attr("__version__") = COINFER_VERSION;
    g_infeasibleError = PyErr_NewExceptionWithDoc(
        "coinfer.InfeasibleError", "A user cannot meet its deadline even with the GPU to itself.", PyExc_ValueError, nullptr);
    module.attr("InfeasibleError") = py::reinterpret_borrow<py::object>(g_infeasibleError);
    addScenarioFunctions(module);
    addPlanFunctions(module);
    addOnlineFunctions(module);
}
