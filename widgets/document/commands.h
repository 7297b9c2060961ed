#pragma once
// Undo commands: every user edit is one of these, pushed on the document's undo stack. Each
// changes the expanded scenario and, by a FormChange made on its first redo(), the file's form;
// undo reverts both, so undoing every edit gives back the bytes that were read.

#include "core/io/scenarioform.h"
#include "core/model/scenario.h"

#include <QString>
#include <QUndoCommand>

#include <cstddef>
#include <functional>
#include <utility>
#include <vector>

namespace coinfer {

class ScenarioDocument;

/// Replaces one user's record; consecutive edits of the same user's same field merge into one.
class EditUserCommand : public QUndoCommand {
public:
    EditUserCommand(ScenarioDocument* document, int row, int field, const User& after, const QString& text,
                    QUndoCommand* parent = nullptr);
    void undo() override;
    void redo() override;
    int id() const override { return 1; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    ScenarioDocument* m_document;
    int m_row, m_field;
    User m_before, m_after;
    FormChange m_change;
    bool m_made = false;
};

/// One field set on many users (a bulk edit), done and undone as one table reset and one
/// "edited" when the rows are many. A few rows are one EditUserCommand child each (each user
/// keeps its own form in the file); many rows are one ScenarioForm::replaceScenario change,
/// since editUser is O(M) per row: 5,000 rows of 10,000 users took 10 s on the GUI thread.
/// O(M + rows) per redo or undo for many rows.
/// A bulk edit of many rows worked out off the GUI thread (prepareBulkEdit): the users before and
/// after, and the file-form change. Moved into EditUsersCommand, so the GUI thread copies no user.
struct PreparedBulkEdit {
    std::vector<std::pair<int, User>> before, after;
    FormChange change;
};

class EditUsersCommand : public QUndoCommand {
public:
    EditUsersCommand(ScenarioDocument* document, const std::vector<std::pair<int, User>>& rows, const QString& text);
    /// Many rows as prepareBulkEdit() made them beforehand (on a worker thread), against the
    /// document's form and scenario as they are now. O(1) on the calling thread.
    EditUsersCommand(ScenarioDocument* document, PreparedBulkEdit prepared, const QString& text);
    void undo() override;
    void redo() override;

    /// Above this many rows a bulk edit is one form change for the whole scenario.
    static constexpr size_t kRowsForOneFormChange = 64;

private:
    ScenarioDocument* m_document;
    std::vector<std::pair<int, User>> m_before, m_after; // only for one form change
    size_t m_rows;
    FormChange m_change;
    bool m_made = false;
};

/// The file-form change that sets @p rows (more than EditUsersCommand::kRowsForOneFormChange of
/// them) on @p current: thread-free, so a worker can compute it. O(M + rows) JSON work.
FormChange bulkEditFormChange(const ScenarioForm& form, const Scenario& current, const std::vector<std::pair<int, User>>& rows);

/// Everything EditUsersCommand needs for @p after (more than kRowsForOneFormChange rows) on
/// @p current: thread-free, so a worker can prepare it. O(M + rows) JSON work and user copies.
PreparedBulkEdit prepareBulkEdit(const ScenarioForm& form, const Scenario& current, std::vector<std::pair<int, User>> after);

/// Inserts users at given rows (ascending), or removes them when constructed with remove = true.
/// An inserted user may land at another row than asked: explicit users come before the users a
/// population generates (FormChange::row).
class InsertRemoveUsersCommand : public QUndoCommand {
public:
    InsertRemoveUsersCommand(ScenarioDocument* document, std::vector<std::pair<int, User>> rows, bool remove,
                             const QString& text);
    /// Inserts @p rows with the form changes insertionFormChanges() made for them beforehand (on
    /// a worker thread), against the document's form and scenario as they are now.
    InsertRemoveUsersCommand(ScenarioDocument* document, std::vector<std::pair<int, User>> rows, std::vector<FormChange> changes,
                             const QString& text);
    void undo() override;
    void redo() override;

private:
    void insertAll();
    /// insertAll() with every form change known, in a bulk change: each run of consecutive rows
    /// goes in at once. O(M + rows).
    void insertRuns();
    void removeAll();
    ScenarioDocument* m_document;
    std::vector<std::pair<int, User>> m_rows; // ascending rows
    bool m_remove;
    std::vector<FormChange> m_changes; // one per row, made on the first redo
};

/// The form changes that inserting @p rows one after another makes, computed on copies of the
/// form and scenario so that a worker thread can do it; @p keepGoing is asked before each row and
/// told how many are done (false stops: the result is then empty). O(K * M) for K rows into M
/// users: ScenarioForm::insertUser is O(M) per row.
std::vector<FormChange> insertionFormChanges(ScenarioForm form, Scenario scenario, const std::vector<std::pair<int, User>>& rows,
                                             const std::function<bool(size_t done)>& keepGoing);

/// Replaces the whole scenario (a new DNN, a new edge model); undo restores the old one.
class ReplaceScenarioCommand : public QUndoCommand {
public:
    ReplaceScenarioCommand(ScenarioDocument* document, Scenario after, const QString& text);
    void undo() override;
    void redo() override;

private:
    ScenarioDocument* m_document;
    Scenario m_before, m_after;
    FormChange m_change;
    bool m_made = false;
};

} // namespace coinfer
