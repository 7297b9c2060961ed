#include "core/io/profileio.h"

#include "core/io/dnnio.h"
#include "core/io/fileio.h"
#include "core/io/jsonfields.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

namespace coinfer {

using detail::Field;
using detail::InputError;
using nlohmann::json;

std::string gpuProfileToJson(const GpuProfile& profile)
{
    json subtasks = json::array();
    for (const SubtaskProfile& subtask : profile.subtasks)
        subtasks.push_back(
            {{"name", subtask.name},
             {"median_ms", subtask.medianMs},
             {"p10_ms", subtask.p10Ms},
             {"p90_ms", subtask.p90Ms},
             {"affine", {{"alpha_ms", subtask.affine.alphaMs}, {"beta_ms", subtask.affine.betaMs}, {"r2", subtask.affine.r2}}}});
    const json document = {
        {"format", "coinfer-gpu-profile"},
        {"version", 1},
        {"dnn", profile.dnnName},
        {"dnn_signature", profile.dnnSignature},
        {"gpu",
         {{"name", profile.gpu.name},
          {"compute_capability", profile.gpu.computeCapability},
          {"driver_version", profile.gpu.driverVersion},
          {"cuda_runtime_version", profile.gpu.cudaRuntimeVersion},
          {"cudnn_version", profile.gpu.cudnnVersion},
          {"cublas_version", profile.gpu.cublasVersion}}},
        {"measured_at", profile.measuredAt},
        {"tool", profile.tool},
        {"method",
         {{"precision", profile.precision},
          {"warmup", profile.warmup},
          {"repetitions", profile.repetitions},
          {"launch", profile.launch},
          {"timer", profile.launch == "cuda-graph" ? "CUDA events around each replay of the sub-task's CUDA graph"
                                                   : "CUDA events around each run of the whole sub-task"}}},
        {"max_batch", profile.maxBatch()},
        {"subtasks", subtasks}};
    return document.dump(1) + "\n";
}

namespace {

GpuProfile readProfileJson(const Field& root)
{
    detail::requireFormat(root, "coinfer-gpu-profile");
    GpuProfile profile;
    profile.dnnName = root.at("dnn").string(false);
    profile.dnnSignature = root.at("dnn_signature").string();
    const Field gpu = root.at("gpu");
    profile.gpu.name = gpu.at("name").string(false);
    auto optionalText = [](const Field& parent, const char* key) {
        return parent.has(key) ? parent.at(key).string() : std::string();
    };
    profile.gpu.computeCapability = optionalText(gpu, "compute_capability");
    profile.gpu.driverVersion = optionalText(gpu, "driver_version");
    profile.gpu.cudaRuntimeVersion = optionalText(gpu, "cuda_runtime_version");
    profile.gpu.cudnnVersion = optionalText(gpu, "cudnn_version");
    profile.gpu.cublasVersion = optionalText(gpu, "cublas_version");
    profile.measuredAt = root.at("measured_at").string(false);
    profile.tool = optionalText(root, "tool");
    if (auto method = root.find("method")) {
        profile.precision = method->has("precision") ? method->at("precision").string() : profile.precision;
        profile.warmup = method->has("warmup") ? static_cast<int>(method->at("warmup").integer(0, 1'000'000)) : 0;
        profile.repetitions = method->has("repetitions") ? static_cast<int>(method->at("repetitions").integer(0, 1'000'000)) : 0;
        profile.launch = method->has("launch") ? method->at("launch").string() : profile.launch;
    }
    const Field subtasks = root.at("subtasks");
    const size_t count = subtasks.arraySize();
    long long batches = -1;
    for (size_t s = 0; s < count; ++s) {
        const Field entry = subtasks.at(s);
        SubtaskProfile subtask;
        subtask.name = entry.at("name").string();
        subtask.medianMs = entry.at("median_ms").nonNegativeNumbers(batches);
        batches = static_cast<long long>(subtask.medianMs.size());
        subtask.p10Ms = entry.at("p10_ms").nonNegativeNumbers(batches);
        subtask.p90Ms = entry.at("p90_ms").nonNegativeNumbers(batches);
        subtask.affine = fitAffine(subtask.medianMs); // recomputed, so a file cannot disagree with its own curve
        profile.subtasks.push_back(std::move(subtask));
    }
    return profile;
}

} // namespace

Expected<GpuProfile> parseGpuProfile(std::string_view text, const std::string& sourceName)
{
    return detail::readDocument<GpuProfile>(text, sourceName, readProfileJson);
}

Expected<GpuProfile> readGpuProfile(const std::string& path)
{
    return readTextFile(path).and_then([&](const std::string& text) { return parseGpuProfile(text, path); });
}

Expected<void> checkProfileMatches(const GpuProfile& profile, const DnnDescription& dnn, const std::string& profileSource)
{
    auto mismatch = [&](const std::string& what) {
        return Unexpected(
            Error{ErrorCode::BadInput, profileSource + ": this profile does not match DNN '" + dnn.name + "': " + what});
    };
    if (profile.subtasks.size() != dnn.subtasks.size())
        return mismatch("it has " + std::to_string(profile.subtasks.size()) + " sub-tasks, the DNN has " +
                        std::to_string(dnn.subtasks.size()));
    for (size_t s = 0; s < dnn.subtasks.size(); ++s)
        if (profile.subtasks[s].name != dnn.subtasks[s].name)
            return mismatch("subtasks[" + std::to_string(s) + "] is \"" + profile.subtasks[s].name + "\" in the profile and \"" +
                            dnn.subtasks[s].name + "\" in the DNN");
    if (!profile.dnnSignature.empty() && profile.dnnSignature != dnnSignature(dnn))
        return mismatch("its layers differ (signature " + profile.dnnSignature + " against " + dnnSignature(dnn) +
                        "); measure this DNN again");
    return {};
}

Expected<Dnn> profiledDnn(const DnnDescription& description, const GpuProfile& profile, const std::string& profileSource,
                          int maxBatch)
{
    Expected<std::vector<SubtaskStats>> stats = analyzeDnn(description);
    if (!stats)
        return Unexpected(stats.error());
    Expected<void> matches = checkProfileMatches(profile, description, profileSource);
    if (!matches)
        return Unexpected(matches.error());
    const int batches = maxBatch > 0 ? std::min(maxBatch, profile.maxBatch()) : profile.maxBatch();
    Dnn dnn;
    dnn.name = description.name;
    dnn.inputBytes = static_cast<double>(description.input.elements()) * description.inputElementBytes;
    for (size_t n = 0; n < stats->size(); ++n) {
        Subtask subtask;
        subtask.name = (*stats)[n].name;
        subtask.outputBytes = (*stats)[n].outputBytes;
        subtask.flops = (*stats)[n].flops;
        const auto& median = profile.subtasks[n].medianMs;
        subtask.edgeLatencyMs.assign(median.begin(), median.begin() + batches);
        dnn.subtasks.push_back(std::move(subtask));
    }
    return dnn;
}

} // namespace coinfer
