#pragma once
// The DNN and the edge: the sub-tasks with FLOPs and output sizes, one user's cumulative local
// latency and energy at every split point, and the GPU batch curves. Changing the DNN, loading a
// GPU profile and editing an edge model are undoable commands on the document.

#include <QLayout>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QShowEvent>
#include <QString>
#include <QWidget>

#include "core/dnn/dnn.h"
#include "core/util/expected.h"
#include "widgets/document/backgroundjob.h"

#include <string>
#include <variant>
#include <vector>

class QComboBox;
class QMessageBox;
class QTableWidget;

namespace coinfer {

class ChartView;
class ScenarioDocument;

class DnnView : public QWidget {
    Q_OBJECT

public:
    explicit DnnView(ScenarioDocument* document, QWidget* parent = nullptr);

    /// Rebuilds the table and charts from the document. O(M + N * B_max).
    void refresh();
    /// Uses @p nameOrFile (a built-in DNN or a description) with the GPU profile at
    /// @p profilePath (a file, or a shipped one from shippedProfiles()); local costs are
    /// recomputed from the users' device classes. Undoable; the error says what went wrong.
    Expected<void> useDnn(const QString& nameOrFile, const QString& profilePath);
    /// Uses an already loaded @p description (labelled @p label in the undo history) with the GPU
    /// profile at @p profilePath; undoable. The error says what went wrong.
    Expected<void> useDescription(const DnnDescription& description, const QString& label, const QString& profilePath);
    /// Imports the ONNX model at @p path on a worker thread (an empty path asks for the file
    /// first), then asks, without blocking, what to plan it with: a shipped GPU profile measured
    /// for the same layers, a profile file, or saving the description to measure it on a GPU.
    /// A model Coinfer cannot read gets an error box naming the node or the field. The document
    /// changes only when a profile is chosen. importDialogShown() follows once the box is up.
    void importOnnx(const QString& path = {});
    /// The box the last import opened (its question or its error), or nullptr once it is closed.
    QMessageBox* importDialog() const;
    /// The description of the last successful import, for the box's buttons.
    const DnnDescription& importedDescription() const { return m_imported; }
    /// The shipped profiles measured for exactly these layers (same dnnSignature()), as
    /// shippedProfiles() labels them. O(number of shipped profiles).
    static QList<QPair<QString, QString>> shippedProfilesFor(const DnnDescription& description);
    /// Loads a GPU profile for the current DNN (sub-task names must match); undoable.
    Expected<void> loadProfile(const QString& profilePath);
    /// The measured profiles that ship with Coinfer for DNN @p dnnName: resource path to a label
    /// such as "NVIDIA H200, measured 2026-11-26". O(number of shipped profiles).
    static QList<QPair<QString, QString>> shippedProfiles(const QString& dnnName);
    /// Sets tau_n(b) = alpha + beta b for sub-task @p subtask (0-based); undoable.
    Expected<void> setAffineEdge(int subtask, double alphaMs, double betaMs);

    QTableWidget* table() const { return m_table; }
    ChartView* splitChart() const { return m_split; }
    ChartView* curveChart() const { return m_curves; }

signals:
    /// An import's box (question or error) is shown: see importDialog().
    void importDialogShown();

protected:
    /// Brings a view that edits left behind up to date before it shows.
    void showEvent(QShowEvent* event) override;

private:
    /// refresh() now when the view is visible, else when it is next shown: an edit of 10,000
    /// users made on another page costs this view nothing (it took 20-35 ms per edit).
    void refreshWhenVisible();
    /// The buttons above the table and the chooser of the user whose split points are drawn.
    QLayout* createButtons();
    /// Asks for a built-in DNN or a description, then a shipped or a measured profile, and uses them.
    void chooseDnnAndProfile();
    void chooseProfile();
    /// The import's worker finished: shows the error, or the question of what to plan with.
    void showImportResult();
    /// Asks where to save the imported description and writes it atomically.
    void saveImportedDescription();
    void editEdgeModel();
    void fillTable();
    /// Rebuilds the user chooser, keeping the chosen user when it is still there.
    void fillUserChoice();
    void drawSplitPoints();
    /// One line per distinct batch curve, coloured as the table's swatches, and the selected
    /// sub-task's curve drawn again on top, wide and named in full. O(N B_max log N).
    void drawBatchCurves();
    /// Selects in the table the sub-task of batch-curve line @p line (a click on the curve).
    void selectCurveSubtask(int line);

    ScenarioDocument* m_document;
    QTableWidget* m_table;
    QComboBox* m_user;
    ChartView* m_split;
    ChartView* m_curves;
    Job<DnnDescription> m_import;
    QString m_importPath;      ///< the model being imported or last imported
    DnnDescription m_imported; ///< its description, once read
    QPointer<QMessageBox> m_importDialog;
    bool m_outdated = false;            ///< edited while hidden: refresh on show
    std::vector<std::string> m_userIds; ///< the ids in the user chooser
    std::vector<int> m_subtaskOfCurve;  ///< the (first) sub-task of each line of the batch-curve chart
};

} // namespace coinfer
