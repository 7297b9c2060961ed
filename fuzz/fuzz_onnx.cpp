// Fuzzes the ONNX importer (core/io/onnximport.h), protobuf parsing and ONNX's shape inference
// included: refuse with the file's name or accept, never crash. An accepted model's description
// analyses (its shapes chain), its figures are finite and non-negative, and its JSON form reads
// back with the same signature, so whatever the importer writes `dnn show` and scenarios accept.
#include "fuzz_common.h"

#include "core/dnn/dnn.h"
#include "core/io/dnnio.h"
#include "core/io/onnximport.h"
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
    // The first byte picks the options, so that merging (--max-subtasks) and the input-shape
    // override are fuzzed with the graph.
    OnnxImportOptions options;
    if (size > 0) {
        options.maxSubtasks = data[0] & 0x7;
        options.inputElementBytes = (data[0] & 0x8) ? 4 : 1;
        if (data[0] & 0x10)
            options.inputShape = {1, 3, 32 + (data[0] >> 5), 32};
        ++data;
        --size;
    }
    Expected<OnnxImport> imported = importOnnxBytes(fuzz::asText(data, size), fuzz::kSource, options);
    if (!imported) {
        fuzz::checkNamesSource(imported.error());
        return 0;
    }
    const DnnDescription& dnn = imported->dnn;
    fuzz::check(options.maxSubtasks == 0 || dnn.subtasks.size() <= static_cast<size_t>(options.maxSubtasks),
                "more sub-tasks than --max-subtasks allows");
    Expected<std::vector<SubtaskStats>> stats = analyzeDnn(dnn);
    if (!stats)
        fuzz::fail("the importer accepted a model whose description does not analyse: " + stats.error().message);
    for (const SubtaskStats& s : *stats) {
        fuzz::check(std::isfinite(s.flops) && s.flops >= 0, "sub-task '" + s.name + "': FLOPs not a finite non-negative number");
        fuzz::check(std::isfinite(s.macs) && s.macs >= 0, "sub-task '" + s.name + "': MACs not a finite non-negative number");
        fuzz::check(s.parameters >= 0, "sub-task '" + s.name + "': negative parameter count");
    }
    const std::string json = dnnDescriptionToJson(dnn);
    Expected<DnnDescription> again = parseDnnDescription(json, fuzz::kSource);
    if (!again)
        fuzz::fail("the imported description's JSON is refused: " + again.error().message);
    fuzz::check(dnnSignature(*again) == dnnSignature(dnn), "the signature changes over the JSON round trip");
    return 0;
}
