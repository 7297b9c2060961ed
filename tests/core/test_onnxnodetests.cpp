// ONNX's own backend node tests (Debian's libonnx-testdata) as the judge of the CPU reference:
// every node test whose operators Coinfer imports runs through runOnnxOnCpu, and each output must
// match ONNX's expected tensor within the tolerance of ONNX's backend test runner (rtol 1e-3,
// atol 1e-7). A test the importer refuses must be refused for one of the reasons this file lists
// as out of scope; any other refusal, and every mismatch, fails.
#include "core/io/onnximport.h"
#include "core/io/onnxrun.h"

#include <onnx/onnx_pb.h>

#include <QTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace coinfer;
namespace fs = std::filesystem;

namespace {

constexpr double kRelativeTolerance = 1e-3, kAbsoluteTolerance = 1e-7;
constexpr int kPassingWhenWritten = 53;

/// Why a node test of a supported operator may be refused: each a form that no network of
/// Coinfer's scope has (a fragment of the importer's message, and the reason in words).
const std::vector<std::pair<std::string, std::string>> kOutOfScope = {
    {"data inputs", "an operator applied to two graph inputs: a network has one"},
    {"not a constant scalar", "Clip's bounds given at run time: a network's bounds are constants"},
    {"only flattening each sample", "Flatten or Reshape other than N x ... to N x features"},
    {"padding at most half the kernel", "padding wider than half the window (PyTorch's limit, kept by Coinfer's pooling)"},
    {"needs a 4-D input", "1-D and 3-D windows"},
    {"a bias per sample", "Gemm's C with a row per sample: no layer's bias"},
    {"only 2-D kernels", "1-D and 3-D windows"},
    {"count_include_pad = 0", "averages that leave padding out (PyTorch's default counts it)"},
    {"auto_pad", "SAME_UPPER and SAME_LOWER padding"},
    {"only the same padding at both ends", "asymmetric padding"},
    {"averages with dilation", "dilated averages (ONNX 1.12's AveragePool has no dilations)"},
    {"indices output", "MaxPool's argmax output"},
    {"the graph has 3 outputs", "extra outputs: batch normalisation's in training mode, layer normalisation's mean and "
                                "inverse deviation"},
    {"Coinfer handles N x C x H x W", "tensors of rank 5 (3-D windows)"},
    {"transA", "Gemm with a transposed activation"},
    {"multiplies a 2x3x4", "MatMul of tensors that are not N x features"},
    {"multiplies a 1x2x3x4", "MatMul of tensors that are not N x features"},
    {"only the mean over height and width", "ReduceMean over other axes than height and width"},
    {"multiplies an activation by a constant", "Mul of an activation and a second graph input, taken as a constant"},
    {"adds a constant to an activation", "Add of an activation and a second graph input, taken as a constant"},
    {"concatenates one activation", "Concat of an activation and second graph input, taken as a constant"},
    {"no graph input is read as data", "Identity of the input alone: nothing to compute"},
    {"Coinfer imports opsets", "operators changed since opset 7, at older opsets"},
    {"not the batch", "Softmax over the batch axis: a network normalises within each sample"},
    {"supported only inside GELU", "Div and Erf on their own: Coinfer has them only as GELU's parts"},
    {"supported only inside a layer normalisation",
     "Sub, Pow and Sqrt on their own: Coinfer has them only as layer norm's parts"},
    {"keeping the batch first", "Transpose moving the batch axis: a network keeps each sample's values together"},
};

struct OperatorCounts {
    int passed = 0, total = 0;
    std::set<std::string> outOfScope;
};

std::vector<OnnxTensor> readTensors(const fs::path& folder, const std::string& prefix)
{
    std::vector<OnnxTensor> tensors;
    for (int i = 0;; ++i) {
        const fs::path path = folder / (prefix + std::to_string(i) + ".pb");
        if (!fs::exists(path))
            return tensors;
        Expected<OnnxTensor> tensor = readOnnxTensor(path.string());
        if (!tensor)
            return {}; // a type the reference does not compute (integers, booleans): out of scope
        tensors.push_back(std::move(*tensor));
    }
}

/// The op types of the model at @p path, or empty when it does not parse.
std::set<std::string> operatorsOf(const fs::path& path)
{
    std::ifstream file(path, std::ios::binary);
    std::stringstream bytes;
    bytes << file.rdbuf();
    onnx::ModelProto model;
    std::set<std::string> ops;
    if (model.ParseFromString(bytes.str()))
        for (const onnx::NodeProto& node : model.graph().node())
            ops.insert(node.op_type());
    return ops;
}

/// Where @p actual differs from @p expected beyond the tolerance, or empty.
std::string mismatch(const OnnxTensor& actual, const OnnxTensor& expected)
{
    if (actual.values.size() != expected.values.size())
        return "gives " + std::to_string(actual.values.size()) + " values, ONNX expects " +
               std::to_string(expected.values.size());
    for (size_t i = 0; i < actual.values.size(); ++i) {
        const double a = actual.values[i], e = expected.values[i];
        if (!(std::fabs(a - e) <= kAbsoluteTolerance + kRelativeTolerance * std::fabs(e)))
            return "value " + std::to_string(i) + " is " + std::to_string(a) + ", ONNX expects " + std::to_string(e);
    }
    return {};
}

} // namespace

class TestOnnxNodeTests : public QObject {
    Q_OBJECT

private slots:
    void supportedOperatorsPassOnnxNodeTests()
    {
        const fs::path root = COINFER_ONNX_NODE_TESTS;
        if (!fs::exists(root / "test_relu" / "model.onnx"))
            QSKIP("libonnx-testdata is not installed (scripts/install-deps.sh)");
        const std::vector<std::string> supportedList = onnxSupportedOperators();
        const std::set<std::string> supported(supportedList.begin(), supportedList.end());
        std::vector<fs::path> folders;
        for (const fs::directory_entry& entry : fs::directory_iterator(root))
            folders.push_back(entry.path());
        std::sort(folders.begin(), folders.end());
        std::map<std::string, OperatorCounts> counts;
        std::vector<std::string> failures;
        for (const fs::path& folder : folders) {
            const std::set<std::string> ops = operatorsOf(folder / "model.onnx");
            if (ops.empty() || !std::includes(supported.begin(), supported.end(), ops.begin(), ops.end()))
                continue;
            std::string op;
            for (const std::string& name : ops)
                op += (op.empty() ? "" : "+") + name;
            for (const fs::directory_entry& set : fs::directory_iterator(folder)) {
                if (!set.is_directory())
                    continue;
                const std::vector<OnnxTensor> inputs = readTensors(set.path(), "input_");
                const std::vector<OnnxTensor> outputs = readTensors(set.path(), "output_");
                const std::string test = folder.filename().string();
                if (inputs.empty() || outputs.empty()) {
                    counts[op].outOfScope.insert(test + " (integer or boolean tensors: data, or a shape, pads or mask)");
                    continue;
                }
                const Expected<OnnxTensor> result = runOnnxOnCpu((folder / "model.onnx").string(), inputs);
                if (!result) {
                    // Only the message after the path: a test's folder name must not match.
                    const std::string& message = result.error().message;
                    const std::string why = message.substr(std::min(message.size(), message.find(".onnx: ") + 7));
                    const auto reason = std::find_if(kOutOfScope.begin(), kOutOfScope.end(), [&](const auto& entry) {
                        return why.find(entry.first) != std::string::npos;
                    });
                    if (reason == kOutOfScope.end())
                        failures.push_back(test + ": refused for no listed reason: " + result.error().message);
                    else
                        counts[op].outOfScope.insert(test + " (" + reason->second + ")");
                    continue;
                }
                ++counts[op].total;
                const std::string difference = outputs.size() == 1 ? mismatch(*result, outputs.front()) : "several outputs";
                if (difference.empty())
                    ++counts[op].passed;
                else
                    failures.push_back(test + ": " + difference);
            }
        }
        for (const auto& [op, count] : counts) {
            qInfo("%s: %d/%d pass; out of scope: %zu", op.c_str(), count.passed, count.total, count.outOfScope.size());
            for (const std::string& test : count.outOfScope)
                qInfo("    out of scope: %s", test.c_str());
        }
        for (const std::string& failure : failures)
            qWarning("%s", failure.c_str());
        QVERIFY2(failures.empty(), qPrintable(QString("%1 node tests failed").arg(failures.size())));
        // What ran when this test was written: fewer means a supported form was lost to a refusal.
        int passed = 0;
        for (const auto& entry : counts)
            passed += entry.second.passed;
        QVERIFY2(passed >= kPassingWhenWritten, qPrintable(QString("only %1 node tests ran and passed").arg(passed)));
    }
};

QTEST_APPLESS_MAIN(TestOnnxNodeTests)
#include "test_onnxnodetests.moc"
