-- Inspections (issue 11, spotcheck.Inspection) and the result catalogue.
--
-- result_categories is reference data (spotcheck.ResultCatalogue): the
-- categories an inspection's entity-level results are chosen from, each
-- mapped to the national display category of 国家企业信用信息公示系统
-- (R01–R08, S01–S05). Another city or sector changes these rows, not the
-- code; the rows below are spotcheck.DefaultResultCatalogue.
-- sub_codes is "code=name;code=name": whose rules a problem breaks.
CREATE TABLE result_categories (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    national   TEXT NOT NULL DEFAULT '',
    problem    INTEGER NOT NULL DEFAULT 0,
    exclusive  INTEGER NOT NULL DEFAULT 0,
    remark     INTEGER NOT NULL DEFAULT 0,
    sub_codes  TEXT NOT NULL DEFAULT '',
    sector     TEXT NOT NULL DEFAULT '',
    position   INTEGER NOT NULL
);
INSERT INTO result_categories (code, name, kind, national, problem, exclusive, remark, sub_codes, sector, position) VALUES
    ('R01', '未发现问题', 'result', 'R01', 0, 1, 0, '', '市场监管', 1),
    ('R02', '未按规定公示应当公示的信息', 'result', 'R02', 1, 0, 0, '', '市场监管', 2),
    ('R03', '公示信息隐瞒真实情况、弄虚作假', 'result', 'R03', 1, 0, 0, '', '市场监管', 3),
    ('R04', '通过登记的住所（经营场所）无法联系', 'result', 'R04', 1, 0, 0, '', '市场监管', 4),
    ('R05', '发现问题已责令改正', 'result', 'R05', 1, 0, 0, '', '市场监管', 5),
    ('R06', '不配合检查情节严重', 'result', 'R06', 1, 0, 0, '', '市场监管', 6),
    ('R07', '未发现开展本次抽查涉及的经营活动', 'result', 'R07', 0, 0, 0, '', '市场监管', 7),
    ('R08', '发现问题待后续处理', 'result', 'R08', 1, 0, 0, '', '市场监管', 8),
    ('S01', '已关闭停业或正在组织清算', 'status', 'S01', 0, 0, 0, '', '市场监管', 9),
    ('S02', '已注销', 'status', 'S02', 0, 0, 0, '', '市场监管', 10),
    ('S03', '已被吊销', 'status', 'S03', 0, 0, 0, '', '市场监管', 11),
    ('S04', '已被撤销', 'status', 'S04', 0, 0, 0, '', '市场监管', 12),
    ('S05', '已迁出', 'status', 'S05', 0, 0, 0, '', '市场监管', 13),
    ('WL01', '发现问题，依法责令立即改正或者限期改正', 'result', 'R05', 1, 0, 0, 'LY=旅游管理法规（《旅游法》《旅行社条例》等）;WH=文化市场管理法规（《娱乐场所管理条例》《互联网上网服务营业场所管理条例》等）;YC=营业性演出管理法规（《营业性演出管理条例》）;WW=文物管理法规（《文物保护法》等）;QT=其他规定', '文化和旅游', 14),
    ('WL02', '发现问题，待后续调查处理', 'result', 'R08', 1, 0, 0, 'LY=旅游管理法规（《旅游法》《旅行社条例》等）;WH=文化市场管理法规（《娱乐场所管理条例》《互联网上网服务营业场所管理条例》等）;YC=营业性演出管理法规（《营业性演出管理条例》）;WW=文物管理法规（《文物保护法》等）;QT=其他规定', '文化和旅游', 15),
    ('WL03', '不合格', 'result', 'R08', 1, 0, 0, 'LY=旅游管理法规（《旅游法》《旅行社条例》等）;WH=文化市场管理法规（《娱乐场所管理条例》《互联网上网服务营业场所管理条例》等）;YC=营业性演出管理法规（《营业性演出管理条例》）;WW=文物管理法规（《文物保护法》等）;QT=其他规定', '文化和旅游', 16),
    ('WL04', '其他情况', 'result', '', 0, 0, 1, '', '文化和旅游', 17);

-- One inspection per entity a draw selected (not a reserve): the header
-- says what is inspected, by whom, for which department; revision and
-- state are those of its current revision, kept here for the lists. team
-- and items are ",a,b," lists (team: the staff ids the draw assigned).
CREATE TABLE inspections (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    task        TEXT NOT NULL,
    draw_id     INTEGER NOT NULL REFERENCES draws (id),
    entity_id   TEXT NOT NULL,
    dept        TEXT NOT NULL,
    team        TEXT NOT NULL,
    items       TEXT NOT NULL,
    visit_id    INTEGER NOT NULL DEFAULT 0,
    revision    INTEGER NOT NULL,
    state       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (draw_id, entity_id)
);
CREATE INDEX inspections_task ON inspections (task, state);
CREATE INDEX inspections_dept ON inspections (dept, state);

-- The revisions of an inspection. A revision is edited while it is a
-- draft or returned; once submitted its content stays, and once approved
-- it is never edited again: a correction is the next revision, with its
-- reason. content is the JSON of what the team recorded and the approval
-- (methods, check-in, findings, results, confirmations, approver,
-- comment); publication_due is set on approval.
CREATE TABLE inspection_revisions (
    inspection_id    INTEGER NOT NULL REFERENCES inspections (id),
    revision         INTEGER NOT NULL,
    state            TEXT NOT NULL,
    reason           TEXT NOT NULL DEFAULT '',
    content          TEXT NOT NULL,
    completed        TEXT NOT NULL DEFAULT '',
    publication_due  TEXT NOT NULL DEFAULT '',
    updated_by       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    PRIMARY KEY (inspection_id, revision)
);
CREATE INDEX inspection_revisions_due ON inspection_revisions (state, publication_due);
