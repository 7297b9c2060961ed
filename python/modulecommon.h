#pragma once
// What the parts of the Python extension `_coinfer` share: turning the core's errors into Python
// exceptions, and running long work off the interpreter's lock so that Ctrl-C stops it.

#include "core/sweep/sweep.h"
#include "core/util/expected.h"

#include <pybind11/pybind11.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>

namespace coinfer::python {

namespace py = pybind11;

/// A scenario as the module keeps it: the file's text beside the scenario it gives (a sweep's
/// base, so that variants and sweeps go through the file's own form), and the reader's warnings.
struct ScenarioData {
    SweepBase base;
};

/// Raises @p error as a Python exception: ValueError for bad input (the message names the file
/// and the field's path, as the command line says it), coinfer.InfeasibleError (a ValueError)
/// when a user cannot meet its deadline even alone, OSError for a file that cannot be read.
[[noreturn]] void raise(const Error& error);

/// The value of @p result, or raise() of its error.
template<class T> T valueOr(Expected<T> result)
{
    if (!result)
        raise(result.error());
    return std::move(*result);
}

/// Runs @p work(cancel) on a worker thread while the calling thread, without the GIL, waits for
/// it; every 50 ms the caller takes the GIL back and runs Python's signal handlers
/// (PyErr_CheckSignals). A handler's exception (KeyboardInterrupt on Ctrl-C) sets @p cancel, the
/// flag the core's searches, sweeps and episodes stop on, waits for the work to stop, and is raised.
/// @p work must not touch Python objects.
template<class Result> Result runStoppable(const std::function<Result(const std::atomic<bool>& cancel)>& work)
{
    std::atomic<bool> cancel{false};
    std::future<Result> done = std::async(std::launch::async, [&] { return work(cancel); });
    bool interrupted = false;
    while (true) {
        {
            py::gil_scoped_release unlocked;
            if (done.wait_for(std::chrono::milliseconds(50)) == std::future_status::ready)
                break;
        }
        if (!interrupted && PyErr_CheckSignals() != 0) {
            interrupted = true;
            cancel = true;
        }
    }
    if (interrupted) {
        try {
            done.get();
        } catch (...) {
            // The interrupt is what the caller asked for; a failure of the stopped work is not news.
        }
        throw py::error_already_set();
    }
    return done.get();
}

/// Adds the Scenario data class and the functions that read scenarios (modulescenario.cpp).
void addScenarioFunctions(py::module_& module);
/// Adds plan, verify, compare and sweep (moduleplan.cpp).
void addPlanFunctions(py::module_& module);
/// Adds the online simulator, the online comparison and the ONNX import (moduleonline.cpp).
void addOnlineFunctions(py::module_& module);

} // namespace coinfer::python
