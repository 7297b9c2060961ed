// The profiler in a build without CUDA: every call says so.
#include "core/dnn/cpureference.h"
#include "core/dnn/dnn.h"
#include "core/dnn/gpuprofile.h"
#include "core/util/expected.h"
#include "gpu/profiler.h"

#include <string>
#include <vector>

namespace coinfer::gpu {
namespace {

Unexpected<Error> withoutCuda()
{
    return Unexpected(Error{ErrorCode::NoDevice,
                            "this coinfer was built without CUDA (configure with -DCOINFER_CUDA=ON on a machine "
                            "with the CUDA toolkit and cuDNN to measure GPU profiles)"});
}

} // namespace

bool builtWithCuda()
{
    return false;
}
Expected<GpuInfo> queryGpu()
{
    return withoutCuda();
}
Expected<GpuProfile> profileDnn(const DnnDescription&, const ProfileOptions&)
{
    return withoutCuda();
}
Expected<std::vector<float>> runSubtaskOnGpu(const DnnDescription&, int, int, const std::vector<float>&,
                                             const std::vector<LayerWeights>&, bool)
{
    return withoutCuda();
}

} // namespace coinfer::gpu
