// Fuzzes the DNN description reader and the analysis of whatever it accepts: refuse or accept,
// never crash, and every message names the file.
#include "core/dnn/dnn.h"
#include "core/io/dnnio.h"
#include "core/io/profileio.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    coinfer::Expected<coinfer::DnnDescription> dnn = coinfer::parseDnnDescription(text, "fuzz");
    if (!dnn) {
        if (dnn.error().message.rfind("fuzz: ", 0) != 0)
            std::abort();
        return 0;
    }
    coinfer::Expected<std::vector<coinfer::SubtaskStats>> stats = coinfer::analyzeDnn(*dnn);
    if (!stats)
        std::abort(); // parsing already checked the shapes
    (void)coinfer::dnnSignature(*dnn);
    return 0;
}
