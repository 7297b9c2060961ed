// Fuzzes the policy reader (core/io's file reader and the learning layer's network built from it):
// refuse with the file's name or accept, never crash. An accepted policy's actor takes the
// observation's features and gives one number; it is asked on a few observations through the
// dispatch policy the online commands use; and its JSON form reads back to the same text.
#include "fuzz_common.h"

#include "core/io/policyio.h"
#include "core/learning/actor.h"
#include "core/learning/ddpg.h"
#include "core/learning/policy.h"
#include "core/model/onlinepolicy.h"
#include "core/model/scenario.h"
#include "core/online/online.h"
#include "core/util/expected.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace coinfer;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text = fuzz::asText(data, size);
    Expected<PolicyFile> file = parsePolicyFile(text, fuzz::kSource);
    Expected<DdpgPolicy> policy = parsePolicy(text, fuzz::kSource);
    fuzz::check(file.has_value() == policy.has_value(), "the io and learning policy readers disagree");
    if (!policy) {
        fuzz::checkNamesSource(policy.error());
        return 0;
    }
    fuzz::check(policy->actor.inputSize() == OnlineObservation::kFeatures && policy->actor.outputSize() == 1,
                "accepted a policy whose actor does not map the observation to one number");

    const DispatchPolicy dispatch = ddpgDispatchPolicy(policy->actor);
    OnlineObservation observation;
    for (int pool : {0, 1, 7}) {
        for (double value : {0.0, 0.5, 1.0}) {
            observation.poolSize = pool;
            observation.minSlackShare = value;
            for (double& feature : observation.features)
                feature = value;
            (void)dispatch(observation);
        }
    }

    const std::string json = policyToJson(*policy);
    Expected<DdpgPolicy> again = parsePolicy(json, fuzz::kSource);
    if (!again)
        fuzz::fail("the policy's own JSON is refused: " + again.error().message);
    fuzz::check(policyToJson(*again) == json, "the policy's JSON does not read back to the same text");
    fuzz::check(policyFileToJson(*file) == json, "the io layer's JSON differs from the learning layer's");
    return 0;
}
