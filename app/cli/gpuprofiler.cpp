// The profile commands' measuring side, with gpu/ linked in: only coinfer-profile (and the tests)
// link this file, so that the coinfer program loads no CUDA library (app/cli/profile.h).
#include "app/cli.h"
#include "app/cli/common.h"
#include "app/cli/profile.h"

#include "core/dnn/dnn.h"
#include "core/dnn/gpuprofile.h"
#include "core/io/profileio.h"
#include "core/util/expected.h"
#include "gpu/profiler.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace coinfer::cli {
namespace {

int measure(const ProfileRequest& request, const CLI::App& command, Io io)
{
    gpu::ProfileOptions settings;
    settings.maxBatch = request.maxBatch;
    settings.warmup = request.warmup;
    settings.repetitions = request.repetitions;
    settings.cudaGraphs = request.cudaGraphs;
    Expected<GpuInfo> device = gpu::queryGpu();
    if (!device)
        return fail(io.err, device.error());
    io.err << "coinfer profile: " << request.dnn.name << " on " << device->name << " (compute capability "
           << device->computeCapability << "), batch sizes 1.." << settings.maxBatch << ", " << settings.warmup << " warm-up and "
           << settings.repetitions << " timed runs each, "
           << (settings.cudaGraphs ? "replayed as CUDA graphs" : "launched eagerly") << "\n";
    const auto started = std::chrono::steady_clock::now();
    settings.progress = [&](int done, int total) {
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        const double left = done > 0 ? elapsed / done * (total - done) : 0.0;
        io.err << format("\r  %d/%d (%3.0f%%), about %.0f s left   ", done, total, 100.0 * done / total, left) << std::flush;
        return true;
    };
    Expected<GpuProfile> profile = gpu::profileDnn(request.dnn, settings);
    io.err << "\n";
    if (!profile)
        return fail(io.err, profile.error());
    return emit(gpuProfileToJson(*profile), command, io);
}

int check(const DnnDescription* dnn, Io io)
{
    // Asking for the GPU first gives "no CUDA device" rather than the first library's complaint.
    Expected<GpuInfo> device = gpu::queryGpu();
    if (!device)
        return fail(io.err, device.error());
    io.out << "GPU: " << device->name << " (compute capability " << device->computeCapability << ", CUDA "
           << device->cudaRuntimeVersion << ", cuDNN " << device->cudnnVersion << ", cuBLAS " << device->cublasVersion << ")\n";
    // A whole network's sub-tasks at batch sizes 1 and 2: the CPU reference is the slow side
    // (seconds per sub-task of a 224x224 network), so progress goes to stderr.
    Expected<std::vector<gpu::LayerCheck>> checks =
        dnn ? gpu::checkAgainstCpu(*dnn, {1, 2}, 1e-4,
                                   [&](int done, int total) {
                                       io.err << format("\r  %d/%d sub-tasks   ", done, total) << (done == total ? "\n" : "")
                                              << std::flush;
                                   })
            : gpu::checkAgainstCpu();
    if (!checks)
        return fail(io.err, checks.error());
    bool passed = true;
    for (const gpu::LayerCheck& layer : *checks) {
        io.out << format("%-44s batch %d, %-10s max |gpu - cpu| %.3g, scaled %.3g  %s\n", layer.subtask.c_str(), layer.batch,
                         layer.cudaGraph ? "CUDA graph" : "eager", layer.maxAbsError, layer.maxScaledError,
                         layer.passed ? "ok" : "FAILED");
        passed = passed && layer.passed;
    }
    io.out << (passed ? "the GPU layers match the CPU reference\n" : "some GPU layers differ from the CPU reference\n");
    return passed ? kExitOk : kExitPlanBroken;
}

const Profiler kGpuProfiler{measure, check};

} // namespace

const Profiler& gpuProfiler()
{
    return kGpuProfiler;
}

} // namespace coinfer::cli
