#include "widgets/document/commands.h"

#include "widgets/document/scenariodocument.h"

#include <QtGlobal>

namespace coinfer {

EditUserCommand::EditUserCommand(ScenarioDocument* document, int row, int field, const User& after, const QString& text,
                                 QUndoCommand* parent)
    : QUndoCommand(text, parent)
    , m_document(document)
    , m_row(row)
    , m_field(field)
    , m_before(document->scenario().users[static_cast<size_t>(row)])
    , m_after(after)
{
}

void EditUserCommand::undo()
{
    m_document->revertFormChange(m_change);
    m_document->setUser(m_row, m_before);
}

void EditUserCommand::redo()
{
    if (!m_made)
        m_change = m_document->form().editUser(m_document->scenario(), m_row, m_after);
    m_made = true;
    m_document->applyFormChange(m_change);
    m_document->setUser(m_row, m_after);
}

bool EditUserCommand::mergeWith(const QUndoCommand* other)
{
    const auto* edit = static_cast<const EditUserCommand*>(other);
    if (edit->m_row != m_row || edit->m_field != m_field)
        return false;
    m_after = edit->m_after; // dragging or retyping one cell is one undo step
    m_change.append(edit->m_change);
    return true;
}

InsertRemoveUsersCommand::InsertRemoveUsersCommand(ScenarioDocument* document, std::vector<std::pair<int, User>> rows,
                                                   bool remove, const QString& text)
    : QUndoCommand(text), m_document(document), m_rows(std::move(rows)), m_remove(remove)
{
}

InsertRemoveUsersCommand::InsertRemoveUsersCommand(ScenarioDocument* document, std::vector<std::pair<int, User>> rows,
                                                   std::vector<FormChange> changes, const QString& text)
    : QUndoCommand(text), m_document(document), m_rows(std::move(rows)), m_remove(false), m_changes(std::move(changes))
{
}

std::vector<FormChange> insertionFormChanges(ScenarioForm form, Scenario scenario, const std::vector<std::pair<int, User>>& rows,
                                             const std::function<bool(size_t done)>& keepGoing)
{
    std::vector<FormChange> changes;
    changes.reserve(rows.size());
    for (const auto& [row, user] : rows) {
        if (keepGoing && !keepGoing(changes.size()))
            return {};
        // The same steps as insertAll(), on the copies.
        changes.push_back(form.insertUser(scenario, row, user));
        form.apply(changes.back());
        scenario.users.insert(scenario.users.begin() + changes.back().row(), user);
    }
    return changes;
}

void InsertRemoveUsersCommand::insertAll()
{
    if (!m_remove && m_changes.size() == m_rows.size() && m_document->isInBulkChange()) {
        insertRuns();
        return;
    }
    for (size_t i = 0; i < m_rows.size(); ++i) {
        const auto& [row, user] = m_rows[i];
        if (m_remove) { // undoing a removal: revert in the reverse order of removeAll()
            m_document->revertFormChange(m_changes[i]);
            m_document->insertUser(row, user);
            continue;
        }
        if (m_changes.size() <= i)
            m_changes.push_back(m_document->form().insertUser(m_document->scenario(), row, user));
        m_document->applyFormChange(m_changes[i]);
        m_document->insertUser(m_changes[i].row(), user);
    }
}

void InsertRemoveUsersCommand::insertRuns()
{
    // Generated users land in one run of consecutive rows: inserting the run at once moves the
    // users after it once, not once per new user (1,000 users into 10,000: 0.4 s -> ms).
    for (size_t start = 0; start < m_rows.size();) {
        size_t end = start + 1;
        while (end < m_rows.size() && m_changes[end].row() == m_changes[end - 1].row() + 1)
            ++end;
        std::vector<User> run;
        run.reserve(end - start);
        for (size_t i = start; i < end; ++i) {
            m_document->applyFormChange(m_changes[i]);
            run.push_back(m_rows[i].second);
        }
        m_document->insertUsers(m_changes[start].row(), std::move(run));
        start = end;
    }
}

void InsertRemoveUsersCommand::removeAll()
{
    const bool first = m_changes.empty();
    if (first)
        m_changes.resize(m_rows.size());
    for (size_t i = m_rows.size(); i-- > 0;) {
        if (!m_remove) { // undoing an insertion
            m_document->removeUser(m_changes[i].row());
            m_document->revertFormChange(m_changes[i]);
            continue;
        }
        const int row = m_rows[i].first;
        if (first)
            m_changes[i] = m_document->form().removeUser(m_document->scenario(), row);
        m_document->applyFormChange(m_changes[i]);
        m_document->removeUser(row);
    }
}

namespace {

/// Many rows change as one reset of the table rather than one signal per row (see
/// ScenarioDocument::beginBulkChange); a few rows keep their own signals, and the selection.
class BulkChange {
public:
    BulkChange(ScenarioDocument* document, size_t rows) : m_document(rows > kRowsForBulk ? document : nullptr)
    {
        if (m_document)
            m_document->beginBulkChange();
    }
    ~BulkChange()
    {
        if (m_document)
            m_document->endBulkChange();
    }
    BulkChange(const BulkChange&) = delete;
    BulkChange& operator=(const BulkChange&) = delete;

private:
    static constexpr size_t kRowsForBulk = 16;
    ScenarioDocument* m_document;
};

} // namespace

EditUsersCommand::EditUsersCommand(ScenarioDocument* document, const std::vector<std::pair<int, User>>& rows, const QString& text)
    : QUndoCommand(text), m_document(document), m_rows(rows.size())
{
    if (rows.size() <= kRowsForOneFormChange) {
        for (const auto& [row, user] : rows)
            new EditUserCommand(document, row, -1 - row, user, text, this); // owned by this command
        return;
    }
    m_after = rows;
    m_before.reserve(rows.size());
    for (const auto& [row, user] : rows)
        m_before.emplace_back(row, document->scenario().users[static_cast<size_t>(row)]);
}

EditUsersCommand::EditUsersCommand(ScenarioDocument* document, PreparedBulkEdit prepared, const QString& text)
    : QUndoCommand(text)
    , m_document(document)
    , m_before(std::move(prepared.before))
    , m_after(std::move(prepared.after))
    , m_rows(m_after.size())
    , m_change(std::move(prepared.change))
    , m_made(true)
{
    Q_ASSERT(m_rows > kRowsForOneFormChange && m_before.size() == m_rows);
}

FormChange bulkEditFormChange(const ScenarioForm& form, const Scenario& current, const std::vector<std::pair<int, User>>& rows)
{
    Scenario after = current;
    for (const auto& [row, user] : rows)
        after.users[static_cast<size_t>(row)] = user;
    return form.replaceScenario(current, after);
}

PreparedBulkEdit prepareBulkEdit(const ScenarioForm& form, const Scenario& current, std::vector<std::pair<int, User>> after)
{
    PreparedBulkEdit prepared;
    prepared.change = bulkEditFormChange(form, current, after);
    prepared.before.reserve(after.size());
    for (const auto& [row, user] : after)
        prepared.before.emplace_back(row, current.users[static_cast<size_t>(row)]);
    prepared.after = std::move(after);
    return prepared;
}

void EditUsersCommand::undo()
{
    BulkChange bulk(m_document, m_rows);
    if (m_after.empty()) {
        QUndoCommand::undo(); // the children, last first
        return;
    }
    m_document->revertFormChange(m_change);
    for (const auto& [row, user] : m_before)
        m_document->setUser(row, user);
}

void EditUsersCommand::redo()
{
    BulkChange bulk(m_document, m_rows);
    if (m_after.empty()) {
        QUndoCommand::redo();
        return;
    }
    if (!m_made)
        m_change = bulkEditFormChange(m_document->form(), m_document->scenario(), m_after);
    m_made = true;
    m_document->applyFormChange(m_change);
    for (const auto& [row, user] : m_after)
        m_document->setUser(row, user);
}

void InsertRemoveUsersCommand::undo()
{
    BulkChange bulk(m_document, m_rows.size());
    m_remove ? insertAll() : removeAll();
}

void InsertRemoveUsersCommand::redo()
{
    BulkChange bulk(m_document, m_rows.size());
    m_remove ? removeAll() : insertAll();
}

ReplaceScenarioCommand::ReplaceScenarioCommand(ScenarioDocument* document, Scenario after, const QString& text)
    : QUndoCommand(text), m_document(document), m_before(document->scenario()), m_after(std::move(after))
{
}

void ReplaceScenarioCommand::undo()
{
    m_document->revertFormChange(m_change);
    m_document->setScenario(m_before);
}

void ReplaceScenarioCommand::redo()
{
    if (!m_made)
        m_change = m_document->form().replaceScenario(m_before, m_after);
    m_made = true;
    m_document->applyFormChange(m_change);
    m_document->setScenario(m_after);
}

} // namespace coinfer
