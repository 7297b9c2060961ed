#pragma once
// The open scenario: the expanded model the planners use, the file's own form that Save writes,
// and the undo stack every edit goes through.

#include "core/io/scenarioform.h"
#include "core/model/scenario.h"
#include "core/util/expected.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <QtGlobal>

#include <vector>

class QUndoStack;

namespace coinfer {

class ScenarioDocument : public QObject {
    Q_OBJECT

public:
    explicit ScenarioDocument(QObject* parent = nullptr);
    /// Emits nothing while it is destroyed, the undo stack's signals included.
    ~ScenarioDocument() override;

    /// What reading a scenario file gives: made on any thread, adopted on the document's.
    struct Loaded {
        Scenario scenario;
        ScenarioForm form;
        QString path;
        QStringList warnings; ///< unknown fields, as loadWarnings() lists them
    };
    /// Reads and checks a scenario file without touching any document, so that a worker thread
    /// can read a large file while the window stays responsive. O(file size + users).
    static Expected<Loaded> read(const QString& path);
    /// Makes @p loaded the document's scenario, form and path; clears undo history. O(users).
    void adopt(Loaded loaded);
    /// Reads a scenario file and keeps its form (read() then adopt()). On failure the document is
    /// left exactly as it was. Unknown fields are kept and listed in loadWarnings().
    Expected<void> load(const QString& path);
    /// Replaces the scenario with one that has no file form of its own (it is saved in the table
    /// form); clears undo history.
    void reset(const Scenario& scenario, const QString& path);
    /// Replaces the scenario and the form it was read in; clears undo history.
    void reset(Scenario scenario, ScenarioForm form, const QString& path);
    /// Writes the file's own form with the edits made since (the very bytes read when nothing
    /// was edited), atomically, keeping an existing file's mode and writing through a symlink.
    /// Before writing, the text is read back and must give the scenario on screen; otherwise
    /// nothing is written and the error says to save the expanded form. Marks the document clean.
    Expected<void> save(const QString& path);
    /// Writes the expanded table form (what `coinfer expand` writes); the document keeps its path
    /// and its form, and stays modified if it was. Refused as an export (checkExport).
    Expected<void> saveExpanded(const QString& path) const;
    /// Refuses an export (plan, report, expanded scenario) to @p path when it would write over a
    /// file the scenario refers to (its DNN description, GPU profile or arrival trace) or over
    /// the scenario's own file, naming both roles. save() refuses the references the same way.
    /// Compares by identity (sameFile), so links and other spellings count. O(size of the form).
    Expected<void> checkExport(const QString& path) const;

    const Scenario& scenario() const { return m_scenario; }
    const ScenarioForm& form() const { return m_form; }
    QString path() const { return m_path; }
    /// "file: users[3].dedline_ms: unknown field, ignored" for each unknown field of the last load.
    const QStringList& loadWarnings() const { return m_loadWarnings; }
    bool isModified() const;
    QUndoStack* undoStack() const { return m_undoStack; }
    /// Counts the changes of the scenario (every edited()): work made on a worker for one
    /// revision is adopted only while the document is still at it.
    quint64 revision() const { return m_revision; }

    // Direct mutations, used by the undo commands only (views push commands instead). The
    // commands keep the file's form in step with applyFormChange and revertFormChange.
    void applyFormChange(const FormChange& change);
    void revertFormChange(const FormChange& change);
    void setScenario(const Scenario& scenario);
    void setUser(int row, const User& user);
    void insertUser(int row, const User& user);
    /// Inserts @p users at @p row as one move of the users after them (O(M + users)), where
    /// one insertUser() per user moves them once each. Only between beginBulkChange() and
    /// endBulkChange(), which signal the change.
    void insertUsers(int row, std::vector<User> users);
    void removeUser(int row);
    /// Between beginBulkChange() and endBulkChange() the per-row signals are held back and
    /// endBulkChange() emits one scenarioReset() and one edited() instead: thousands of inserted
    /// rows then cost the table and its sort proxy one reset, O(M log M), not O(M) each. Nests.
    void beginBulkChange();
    void endBulkChange();
    bool isInBulkChange() const { return m_bulkDepth > 0; }

signals:
    void scenarioReset();
    void userChanged(int row);
    void userInserted(int row);
    void userRemoved(int row);
    /// Another scenario took the document's place (a file opened, an example, a new window's
    /// variant); edited() follows.
    void replaced();
    /// Any change of content: the cue to plan again.
    void edited();
    /// An edit changed the file's form beyond the edit itself (FormChange::note), e.g. a
    /// generated user is now written out; said once, when the edit is made or redone.
    void formNoted(const QString& note);

private:
    Scenario m_scenario;
    ScenarioForm m_form;
    QStringList m_loadWarnings;
    QString m_path;
    QUndoStack* m_undoStack;
    int m_bulkDepth = 0;
    quint64 m_revision = 0;
    bool m_bulkChanged = false;
};

} // namespace coinfer
