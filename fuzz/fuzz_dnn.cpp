// Fuzzes the DNN description reader and the analysis of whatever it accepts: refuse with the
// file's name or accept, never crash. An accepted description's shapes chain (the analysis
// succeeds), its figures are finite and non-negative (no overflow), its JSON form reads back to
// the same text and the same signature.
#include "fuzz_common.h"

#include "core/dnn/dnn.h"
#include "core/io/dnnio.h"
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
    Expected<DnnDescription> dnn = parseDnnDescription(fuzz::asText(data, size), fuzz::kSource);
    if (!dnn) {
        fuzz::checkNamesSource(dnn.error());
        return 0;
    }
    Expected<std::vector<SubtaskStats>> stats = analyzeDnn(*dnn);
    if (!stats)
        fuzz::fail("the reader accepted a description whose analysis fails: " + stats.error().message);
    fuzz::check(stats->size() == dnn->subtasks.size(), "analysis lost sub-tasks");
    for (const SubtaskStats& s : *stats) {
        fuzz::check(std::isfinite(s.flops) && s.flops >= 0, "sub-task '" + s.name + "': FLOPs not a finite non-negative number");
        fuzz::check(std::isfinite(s.macs) && s.macs >= 0, "sub-task '" + s.name + "': MACs not a finite non-negative number");
        fuzz::check(std::isfinite(s.outputBytes) && s.outputBytes >= 0, "sub-task '" + s.name + "': output bytes not finite");
        fuzz::check(s.parameters >= 0, "sub-task '" + s.name + "': negative parameter count");
        fuzz::check(s.output.c > 0 && s.output.h > 0 && s.output.w > 0, "sub-task '" + s.name + "': empty output shape");
    }
    const std::string signature = dnnSignature(*dnn);

    const std::string json = dnnDescriptionToJson(*dnn);
    Expected<DnnDescription> again = parseDnnDescription(json, fuzz::kSource);
    if (!again)
        fuzz::fail("the description's own JSON is refused: " + again.error().message);
    fuzz::check(dnnDescriptionToJson(*again) == json, "the description's JSON does not read back to the same text");
    fuzz::check(dnnSignature(*again) == signature, "the signature changes over a round trip");
    return 0;
}
