#pragma once
// The ONNX importer's graph (private to core/io, compiled only with COINFER_ONNX): the class that
// onnximport.cpp (reading, sorting, shapes, cuts, the import) and onnxlayers.cpp (nodes onto
// Coinfer's layers and blocks, sub-task names) share.

#include "core/dnn/dnn.h"
#include "core/io/onnximport.h"
#include "core/io/onnxnodes.h"

#include <onnx/onnx_pb.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace coinfer::onnxdetail {

using namespace onnxnodes;

/// The importer's own failure, turned into an Error at the boundary (importOnnxBytes).
struct ImportFailure {
    std::string message;
};

[[noreturn]] inline void refuse(std::string message)
{
    throw ImportFailure{std::move(message)};
}

/// One graph's tensors and nodes, indexed for the import.
class GraphImport {
public:
    GraphImport(onnx::ModelProto& model, std::string source, const OnnxImportOptions& options, int opset)
        : m_model(model), m_graph(*model.mutable_graph()), m_source(std::move(source)), m_options(options), m_opset(opset)
    {
    }

    OnnxImport run();

private:
    struct Consumer {
        int node;
        int position;
    };

    [[noreturn]] void fail(const std::string& message) const { refuse(m_source + ": " + message); }
    std::string nodeLabel(int n) const;
    [[noreturn]] void failNode(int n, const std::string& message) const { fail(nodeLabel(n) + ": " + message); }

    void prepareGraph();
    void checkSubtaskOutputs(const std::vector<std::pair<int, int>>& ranges, const std::vector<SubtaskStats>& stats) const;
    void mergeCheapestSubtasks(DnnDescription& dnn, std::vector<std::pair<int, int>>& ranges,
                               const std::vector<SubtaskStats>& stats) const;
    void indexTensors();
    std::string findDataInput() const;
    bool usedAsData(const std::string& tensor, bool beyondElementwise = false) const;
    void sortTopologically();
    void chainConcatPrefixes();
    void foldShapeArithmetic();
    void markActivations();
    void keepPathToOutput();
    void setInputShape();
    void inferShapes();
    std::vector<bool> ancestorsOfOutput() const;
    void collectShapes();
    const Dims& shapeOf(const std::string& tensor, int producer) const;
    TensorShape sampleShape(const std::string& tensor, int producer) const;
    std::vector<int> findCuts() const;
    std::vector<std::pair<int, int>> segments(const std::vector<int>& cuts) const;
    std::vector<int> activationInputs(int n) const;
    bool joinsProducer(int n) const;
    const Dims& activationDims(int n) const;
    /// The window, strides, padding (the same on both sides of each axis) and dilation of a Conv or
    /// pooling node.
    struct Window {
        int kernel = 1, stride = 1, padding = 0;
        int kernelWidth = 1, strideWidth = 1, paddingWidth = 0, dilation = 1;
        void applyTo(Layer& layer) const
        {
            layer.kernelWidth = kernelWidth != kernel ? kernelWidth : 0;
            layer.strideWidth = strideWidth != stride ? strideWidth : 0;
            layer.paddingWidth = paddingWidth != padding ? paddingWidth : -1;
            layer.dilation = dilation;
        }
    };
    Window windowOf(int n, const Dims& weightDims) const;
    // One function per operator family, each refusing what dnn.h cannot express.
    Layer mapConv(int n) const;
    Layer mapPool(int n) const;
    Layer mapBatchNorm(int n) const;
    std::optional<Layer> mapClip(int n) const;
    Layer mapFlatten(int n) const;
    Layer mapLinear(int n) const;
    std::optional<Layer> mapNode(int n, std::vector<Layer>& chain) const;
    std::vector<Layer> mapChain(const std::vector<int>& nodes) const;
    std::vector<Block> segmentBlocks(int begin, int end, const std::vector<bool>& isCut) const;
    void addPiece(int begin, int end, std::vector<Block>& blocks) const;
    void addChainPiece(int begin, int end, std::vector<Block>& blocks) const;
    void checkJoin(int last, size_t branchCount) const;
    // Nested branches (onnxregions.cpp).
    /// One part of a stage of a forked concatenation: the segment it computes (none: carried on),
    /// keyed by the segment's last node (-1: the piece's input), and the key of the part of the
    /// stage before whose channels it reads (-2: the piece's input itself).
    struct StagePart {
        int key = -1;
        int from = -2;
        std::vector<int> nodes;
    };
    std::optional<std::vector<std::vector<int>>> slotPaths(int begin, int end, const std::vector<int>& joinSlots) const;
    static std::vector<std::vector<std::vector<int>>> forkSegments(const std::vector<std::vector<int>>& paths, size_t& depth);
    Block stageBlock(const std::vector<StagePart>& parts,
                     const std::unordered_map<int, std::pair<int, int>>& previousRange) const;
    bool addForkedConcat(int begin, int end, const std::vector<int>& joinSlots, std::vector<Block>& blocks) const;
    std::vector<std::vector<int>> joinedBranches(int begin, int end, const std::vector<int>& joinSlots) const;
    std::optional<double> constantValue(const std::string& tensor) const;
    std::optional<Dims> constantInts(const std::string& tensor) const;
    const onnx::TensorProto* constantTensor(const std::string& tensor) const;
    // Patterns of several nodes that make one layer (onnxfusion.cpp).
    void findFusions();
    std::optional<int> gateSource(int gate, int& squeezed) const;
    int singleConsumer(const std::string& tensor) const;
    Layer mapFused(int n) const;
    Layer mapReduceMean(int n) const;
    Layer mapSoftmax(int n) const;
    // Shape arithmetic, slices and channel shuffles (onnxshapes.cpp).
    Layer mapSlice(int n) const;
    int shuffleGroups(int transpose) const;
    bool isInsideShuffle(int n) const;
    int shuffleEndingAt(int n) const;
    // Layer normalisation, permutes and layers along one axis (onnxnorms.cpp).
    void rewriteLayerNorms();
    std::optional<int> layerNormData(int div, std::vector<int>& inner, double& epsilon) const;
    std::optional<double> scalarConstant(const std::string& tensor) const;
    Layer mapTranspose(int n) const;
    Layer mapLayerNormalization(int n) const;
    std::optional<Layer> mapConstantProduct(int n, std::vector<Layer>& chain) const;
    bool attachesToLast(int n, const std::vector<Layer>& chain) const;
    // Vision transformers (onnxattention.cpp).
    /// PyTorch's exported multi-head attention: its first and last node (Transposes), the in
    /// projection's MatMul and bias Add, the out projection's Gemm, the heads, the nodes between.
    struct AttentionPattern {
        int start = -1, end = -1, inProjection = -1, inBias = -1, outProjection = -1, heads = 1;
        std::vector<int> inner;
        std::vector<std::string> weights; ///< in projection, its bias, out projection, its bias
    };
    std::vector<int> regionBetween(int start, int end) const;
    std::optional<AttentionPattern> attentionFrom(int start) const;
    void rewriteAttention();
    OnnxLayerTensors attentionTensors(int end) const;
    // Swin Transformers (onnxwindows.cpp).
    /// A Slice of one axis with constant bounds clamped to the axis's size, and a positive step.
    struct AxisSlice {
        std::int64_t axis = 0, first = 0, last = 0, step = 1, size = 0;
    };
    /// torchvision's shifted-window attention: its first node (the zero Pad, now an Identity),
    /// its last (read by the residual Add), the nodes between, its heads, window and shift, and
    /// its weights (qkv, its bias, out projection, its bias, relative position bias).
    struct WindowAttentionPattern {
        int start = -1, end = -1, heads = 1, window = 1, shift = 0;
        std::vector<int> inner;
        std::vector<std::string> weights;
    };
    std::optional<Dims> foldedInts(const std::string& tensor) const;
    std::optional<AxisSlice> axisSlice(int n) const;
    Dims knownDims(const std::string& tensor) const;
    int producerIf(const std::string& tensor, const char* op) const;
    std::string otherInput(int n, const std::string& from) const;
    void rewriteZeroPads();
    std::optional<std::int64_t> rollOffset(int concat, std::int64_t& axis, std::string& source) const;
    bool isPatchMerge(int concat, std::vector<int>& slices, std::string& source) const;
    void rewritePatchMerges();
    bool windowPartitionBefore(int qkv, WindowAttentionPattern& pattern, Dims& image) const;
    bool windowRollsFit(const std::vector<int>& region, int qkv, int end, const WindowAttentionPattern& pattern,
                        const Dims& image) const;
    bool windowWeightsFit(const std::map<std::string, std::vector<int>>& byOp, const Dims& image,
                          WindowAttentionPattern& pattern) const;
    std::optional<WindowAttentionPattern> windowAttentionAt(int qkv) const;
    void rewriteWindowAttention();
    Layer mapPrepend(int n) const;
    std::optional<Layer> mapGather(int n, std::vector<Layer>& chain) const;
    std::optional<Layer> mapConstantSum(int n, std::vector<Layer>& chain) const;
    std::optional<std::vector<int>> geluInner(int add, const std::string& data) const;
    bool isGeluHalving(int n) const;
    int foldedPadding(int n) const;
    bool isFoldedPad(int n) const;
    std::vector<OnnxLayerTensors> subtaskTensors(const SubtaskDescription& subtask) const;
    OnnxLayerTensors layerTensors(const Layer& layer) const;
    std::optional<Layer> mapRewritten(int n) const;
    std::optional<Layer> mapOp(int n, std::vector<Layer>& chain) const;
    std::string subtaskName(int begin, int end) const;

    onnx::ModelProto& m_model;
    onnx::GraphProto& m_graph;
    std::string m_source;
    const OnnxImportOptions& m_options;
    int m_opset;

    std::vector<int> m_fileIndex;                    ///< node (in sorted order) -> its index in the file
    std::unordered_map<std::string, int> m_producer; ///< tensor -> node
    std::unordered_map<std::string, std::vector<Consumer>> m_consumers;
    std::unordered_set<std::string> m_initializers;
    std::unordered_map<std::string, const onnx::TensorProto*> m_initializerTensors;
    std::unordered_set<std::string> m_activations;
    std::vector<bool> m_activationNode;             ///< reads an activation at a data position
    std::vector<bool> m_kept;                       ///< an activation node on a path to the output
    std::vector<int> m_order;                       ///< kept nodes, topologically
    std::unordered_map<int, int> m_positionInOrder; ///< node -> index in m_order
    std::unordered_map<std::string, Dims> m_shapes;
    /// A Mul that ends a fused pattern (SiLU, hardswish, squeeze-and-excitation, GELU) -> what it
    /// makes and which input is the pattern's data input.
    struct Fusion {
        LayerKind kind = LayerKind::SiLU;
        int dataSlot = 0;
        std::vector<int> inner; ///< the pattern's other nodes, data input side first
    };
    std::unordered_map<int, Fusion> m_fusions;
    /// A Div that ended an expanded layer normalisation, now Identity(x) -> its epsilon.
    std::unordered_map<int, double> m_layerNorms;
    /// The last node of an attention, now Identity(its input) -> the pattern.
    std::unordered_map<int, AttentionPattern> m_attention;
    /// The last node of a window attention, now Identity(its input) -> the pattern.
    std::unordered_map<int, WindowAttentionPattern> m_windowAttention;
    std::unordered_set<int> m_patchMerges; ///< Concats of a patch merging, now Reshapes of its input
    std::vector<bool> m_absorbed;          ///< inside a fused pattern (not a node of its own)
    std::string m_input, m_output;
};

} // namespace coinfer::onnxdetail
