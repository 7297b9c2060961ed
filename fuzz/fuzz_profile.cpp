// Fuzzes the GPU profile reader: refuse with the file's name or accept, never crash. An accepted
// profile must write a JSON form that reads back to the same text; when it names a built-in DNN,
// the scenario DNN built from it must be well formed (one latency per batch size for every
// sub-task, finite and non-negative), and the affine fit of each curve finite.
#include "fuzz_common.h"

#include "core/dnn/dnn.h"
#include "core/dnn/gpuprofile.h"
#include "core/io/profileio.h"
#include "core/model/scenario.h"
#include "core/util/expected.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

using namespace coinfer;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    Expected<GpuProfile> profile = parseGpuProfile(fuzz::asText(data, size), fuzz::kSource);
    if (!profile) {
        fuzz::checkNamesSource(profile.error());
        return 0;
    }
    const int maxBatch = profile->maxBatch();
    for (const SubtaskProfile& subtask : profile->subtasks) {
        fuzz::check(static_cast<int>(subtask.medianMs.size()) == maxBatch, "sub-task curves of different lengths accepted");
        for (double x : subtask.medianMs)
            fuzz::check(std::isfinite(x) && x >= 0, "a median latency that is not a finite non-negative number was accepted");
        const AffineFit fit = fitAffine(subtask.medianMs);
        fuzz::check(std::isfinite(fit.alphaMs) && std::isfinite(fit.betaMs), "affine fit of an accepted curve is not finite");
        (void)summarizeLatencies(subtask.medianMs);
    }

    const std::string json = gpuProfileToJson(*profile);
    Expected<GpuProfile> again = parseGpuProfile(json, fuzz::kSource);
    if (!again)
        fuzz::fail("the profile's own JSON is refused: " + again.error().message);
    fuzz::check(gpuProfileToJson(*again) == json, "the profile's JSON does not read back to the same text");

    Expected<DnnDescription> description = builtinDnn(profile->dnnName);
    if (!description)
        return 0;
    for (int batches : {0, 1, 3}) {
        Expected<Dnn> dnn = profiledDnn(*description, *profile, fuzz::kSource, batches);
        if (!dnn) {
            fuzz::checkNamesSource(dnn.error());
            continue;
        }
        fuzz::check(dnn->subtaskCount() == static_cast<int>(profile->subtasks.size()), "profiled DNN lost sub-tasks");
        for (const Subtask& subtask : dnn->subtasks) {
            fuzz::check(subtask.edgeLatencyMs.size() == dnn->subtasks.front().edgeLatencyMs.size(), "ragged profiled DNN");
            fuzz::check(!subtask.edgeLatencyMs.empty(), "a profiled DNN without batch sizes");
            fuzz::check(std::isfinite(subtask.flops) && subtask.flops >= 0 && std::isfinite(subtask.outputBytes) &&
                            subtask.outputBytes >= 0,
                        "profiled DNN with non-finite or negative FLOPs or bytes");
        }
    }
    return 0;
}
