// The CUDA implementation of the profiler's API (gpu/profiler.h): the GPU's description, the
// timing of each sub-task at each batch size (eager or as a CUDA graph's replays), and one run
// for the check against the CPU reference. The layers' calls are in subtaskrunner.cu, the CUDA
// helpers in cudasupport.h, the kernels of our own in kernels.cu.

#include "gpu/profiler.h"
#include "gpu/subtaskrunner.h"

#include "core/io/dnnio.h"

#include <dlfcn.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>

namespace coinfer::gpu {
namespace {

using detail::check;
using detail::DeviceFailure;
using detail::DeviceWeights;
using detail::Libraries;
using detail::SubtaskRunner;
using detail::uploadWeights;

std::string versionText(int version, int majorDivisor, int minorDivisor)
{
    return std::to_string(version / majorDivisor) + "." + std::to_string((version % majorDivisor) / minorDivisor);
}

/// The display driver's version (e.g. "580.159.04") from NVML, loaded at run time so that the
/// build needs no NVML; empty if it cannot be read.
std::string nvmlDriverVersion()
{
    void* nvml = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!nvml)
        return {};
    using Call = int (*)();
    using VersionCall = int (*)(char*, unsigned);
    const auto init = reinterpret_cast<Call>(dlsym(nvml, "nvmlInit_v2"));
    const auto version = reinterpret_cast<VersionCall>(dlsym(nvml, "nvmlSystemGetDriverVersion"));
    const auto shutdown = reinterpret_cast<Call>(dlsym(nvml, "nvmlShutdown"));
    std::string text;
    if (init && version && shutdown && init() == 0) {
        char buffer[96] = {};
        if (version(buffer, sizeof buffer) == 0)
            text = buffer;
        shutdown();
    }
    dlclose(nvml);
    return text;
}

GpuInfo readGpuInfo()
{
    int count = 0;
    check(cudaGetDeviceCount(&count), "cudaGetDeviceCount");
    if (count == 0)
        throw DeviceFailure("no CUDA device");
    cudaDeviceProp properties{};
    check(cudaGetDeviceProperties(&properties, 0), "cudaGetDeviceProperties");
    GpuInfo info;
    info.name = properties.name;
    info.computeCapability = std::to_string(properties.major) + "." + std::to_string(properties.minor);
    int driver = 0, runtime = 0;
    check(cudaDriverGetVersion(&driver), "cudaDriverGetVersion");
    check(cudaRuntimeGetVersion(&runtime), "cudaRuntimeGetVersion");
    const std::string display = nvmlDriverVersion();
    info.driverVersion = (display.empty() ? "" : display + ", ") + "CUDA " + versionText(driver, 1000, 10) + " driver API";
    info.cudaRuntimeVersion = versionText(runtime, 1000, 10);
    const size_t cudnn = cudnnGetVersion();
    info.cudnnVersion =
        std::to_string(cudnn / 10000) + "." + std::to_string((cudnn % 10000) / 100) + "." + std::to_string(cudnn % 100);
    int cublasMajor = 0, cublasMinor = 0, cublasPatch = 0;
    cublasGetProperty(MAJOR_VERSION, &cublasMajor);
    cublasGetProperty(MINOR_VERSION, &cublasMinor);
    cublasGetProperty(PATCH_LEVEL, &cublasPatch);
    info.cublasVersion = std::to_string(cublasMajor) + "." + std::to_string(cublasMinor) + "." + std::to_string(cublasPatch);
    return info;
}

std::string utcNow()
{
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

/// A sub-task's runs: eager (every library call launched each time) or the replay of a CUDA
/// graph captured from one eager run after a first untimed one (which loads the kernels).
class Launcher {
public:
    Launcher(SubtaskRunner& runner, cudaStream_t stream, bool cudaGraph) : m_runner(runner), m_stream(stream)
    {
        m_runner.run();
        check(cudaStreamSynchronize(m_stream), "first run");
        if (!cudaGraph)
            return;
        cudaGraph_t graph = nullptr;
        check(cudaStreamBeginCapture(m_stream, cudaStreamCaptureModeThreadLocal), "cudaStreamBeginCapture");
        try {
            m_runner.run();
        } catch (const DeviceFailure&) {
            cudaStreamEndCapture(m_stream, &graph);
            if (graph)
                cudaGraphDestroy(graph);
            throw;
        }
        check(cudaStreamEndCapture(m_stream, &graph), "cudaStreamEndCapture");
        const cudaError_t instantiated = cudaGraphInstantiate(&m_graph, graph, 0);
        cudaGraphDestroy(graph);
        check(instantiated, "cudaGraphInstantiate");
    }
    ~Launcher()
    {
        if (m_graph)
            cudaGraphExecDestroy(m_graph);
    }
    Launcher(const Launcher&) = delete;
    Launcher& operator=(const Launcher&) = delete;

    /// Enqueues one run on the stream.
    void launch()
    {
        if (m_graph)
            check(cudaGraphLaunch(m_graph, m_stream), "cudaGraphLaunch");
        else
            m_runner.run();
    }

private:
    SubtaskRunner& m_runner;
    cudaStream_t m_stream;
    cudaGraphExec_t m_graph = nullptr;
};

/// Times @p repetitions runs after @p warmup untimed ones, each between two CUDA events.
LatencySummary timeRuns(Launcher& launcher, cudaStream_t stream, int warmup, int repetitions)
{
    for (int i = 0; i < warmup; ++i)
        launcher.launch();
    check(cudaStreamSynchronize(stream), "warm-up");
    cudaEvent_t start, stop;
    check(cudaEventCreate(&start), "cudaEventCreate");
    check(cudaEventCreate(&stop), "cudaEventCreate");
    std::vector<double> samples;
    for (int i = 0; i < repetitions; ++i) {
        check(cudaEventRecord(start, stream), "cudaEventRecord");
        launcher.launch();
        check(cudaEventRecord(stop, stream), "cudaEventRecord");
        check(cudaEventSynchronize(stop), "cudaEventSynchronize");
        float ms = 0;
        check(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime");
        samples.push_back(ms);
    }
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    return summarizeLatencies(std::move(samples));
}

/// Keeps the GPU busy for about @p milliseconds with the largest batch of the first sub-task,
/// so that timing starts at working clocks rather than idle ones.
void spinUp(Libraries& libraries, const DnnDescription& dnn, int maxBatch, std::uint64_t seed, double milliseconds)
{
    const std::vector<DeviceWeights> weights = uploadWeights(makeSubtaskWeights(dnn, 0, seed));
    SubtaskRunner runner(libraries, dnn, 0, maxBatch, weights);
    const auto started = std::chrono::steady_clock::now();
    while (std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count() < milliseconds) {
        runner.run();
        check(cudaStreamSynchronize(libraries.stream), "spin-up");
    }
}

Unexpected<Error> deviceError(const std::exception& failure)
{
    return Unexpected(Error{ErrorCode::NoDevice, std::string("no usable GPU: ") + failure.what()});
}

} // namespace

bool builtWithCuda()
{
    return true;
}

Expected<GpuInfo> queryGpu()
{
    try {
        return readGpuInfo();
    } catch (const DeviceFailure& failure) {
        return deviceError(failure);
    }
}

Expected<GpuProfile> profileDnn(const DnnDescription& dnn, const ProfileOptions& options)
{
    Expected<std::vector<SubtaskStats>> stats = analyzeDnn(dnn);
    if (!stats)
        return Unexpected(stats.error());
    try {
        GpuProfile profile;
        profile.gpu = readGpuInfo();
        profile.dnnName = dnn.name;
        profile.dnnSignature = dnnSignature(dnn);
        profile.tool = std::string("coinfer ") + COINFER_VERSION + " profile";
        profile.precision = options.allowTf32 ? "fp32 (TF32 tensor cores allowed)" : "fp32";
        profile.warmup = options.warmup;
        profile.repetitions = options.repetitions;
        profile.launch = options.cudaGraphs ? "cuda-graph" : "eager";
        profile.measuredAt = utcNow();
        Libraries libraries(options.allowTf32);
        spinUp(libraries, dnn, options.maxBatch, options.seed, 300.0);
        const int subtasks = static_cast<int>(dnn.subtasks.size());
        const int total = subtasks * options.maxBatch;
        int done = 0;
        for (int s = 0; s < subtasks; ++s) {
            const std::vector<DeviceWeights> weights = uploadWeights(makeSubtaskWeights(dnn, s, options.seed));
            SubtaskProfile subtask;
            subtask.name = dnn.subtasks[static_cast<size_t>(s)].name;
            for (int b = 1; b <= options.maxBatch; ++b) {
                SubtaskRunner runner(libraries, dnn, s, b, weights);
                const std::vector<float> input =
                    makeRandomInput(runner.inputShape(), b, options.seed + static_cast<std::uint64_t>(b));
                runner.upload(input);
                Launcher launcher(runner, libraries.stream, options.cudaGraphs);
                const LatencySummary summary = timeRuns(launcher, libraries.stream, options.warmup, options.repetitions);
                subtask.medianMs.push_back(summary.medianMs);
                subtask.p10Ms.push_back(summary.p10Ms);
                subtask.p90Ms.push_back(summary.p90Ms);
                if (options.progress && !options.progress(++done, total))
                    return Unexpected(Error{ErrorCode::NoDevice, "cancelled"});
            }
            subtask.affine = fitAffine(subtask.medianMs);
            profile.subtasks.push_back(std::move(subtask));
        }
        return profile;
    } catch (const DeviceFailure& failure) {
        return deviceError(failure);
    }
}

Expected<std::vector<float>> runSubtaskOnGpu(const DnnDescription& dnn, int subtask, int batch, const std::vector<float>& input,
                                             const std::vector<LayerWeights>& weights, bool cudaGraph)
{
    try {
        Libraries libraries(false);
        const std::vector<DeviceWeights> deviceWeights = uploadWeights(weights);
        SubtaskRunner runner(libraries, dnn, subtask, batch, deviceWeights);
        if (input.size() != static_cast<size_t>(runner.inputShape().elements() * batch))
            return Unexpected(Error{ErrorCode::BadInput, "the input has " + std::to_string(input.size()) +
                                                             " values, the sub-task needs " +
                                                             std::to_string(runner.inputShape().elements() * batch)});
        runner.upload(input);
        const size_t outputFloats = static_cast<size_t>(runner.outputShape().elements() * batch);
        Launcher launcher(runner, libraries.stream, cudaGraph);
        if (cudaGraph) {
            // All bits set is a NaN: whatever the replay fails to write fails the check.
            check(cudaMemsetAsync(runner.output(), 0xff, outputFloats * sizeof(float), libraries.stream), "cudaMemsetAsync");
            launcher.launch();
        }
        check(cudaStreamSynchronize(libraries.stream), "run");
        std::vector<float> output(outputFloats);
        check(cudaMemcpy(output.data(), runner.output(), output.size() * sizeof(float), cudaMemcpyDeviceToHost),
              "output download");
        return output;
    } catch (const DeviceFailure& failure) {
        return deviceError(failure);
    }
}

} // namespace coinfer::gpu
