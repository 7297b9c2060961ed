#pragma once
// `coinfer profile` and `coinfer profile check` measure with CUDA, which the coinfer program does
// not link: every other command starts without loading a CUDA library, and runs on a machine
// that has none. They run the coinfer-profile program beside it instead (the same command line
// with the profiler of gpu/ linked in), or name what is missing when it cannot start.

#include "app/cli/common.h"

#include "core/dnn/dnn.h"

#include <CLI/CLI.hpp>

#include <string>

namespace coinfer::cli {

/// What `coinfer profile --dnn` measures and how (its options checked, its DNN loaded).
struct ProfileRequest {
    DnnDescription dnn;
    int maxBatch = 32;
    int warmup = 10;
    int repetitions = 50;
    bool cudaGraphs = true;
};

/// The GPU profiler of a program that links gpu/ (app/cli/gpuprofiler.cpp).
struct Profiler {
    /// Measures @p request and emits the profile (stdout or --output); returns the exit status.
    int (*measure)(const ProfileRequest& request, const CLI::App& command, Io io);
    /// `profile check`: the GPU layers against the CPU reference (the check network's, or those of
    /// @p dnn when given); returns the exit status.
    int (*check)(const DnnDescription* dnn, Io io);
};

/// Where coinfer-profile is expected: beside this program (its /proc/self/exe).
std::string profilerProgramPath();

/// Runs coinfer-profile with @p io.args, passing its output to @p io, and returns its exit
/// status. When it is missing, or cannot start because a library it needs (the CUDA runtime,
/// cuBLAS, cuDNN) is missing, says which on io.err and returns kExitNoDevice.
int runProfilerProgram(Io io);

/// The profiler of gpu/: CUDA, or its stub in a build without CUDA. Defined only in
/// coinfer_cli_profiler, which links gpu/.
const Profiler& gpuProfiler();

} // namespace coinfer::cli
