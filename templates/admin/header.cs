<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><?cs if:Page.Title ?><?cs var:Page.Title ?> - <?cs /if ?>图采管理后台</title>
<link rel="stylesheet" href="/static/css/admin.css">
</head>
<body class="ad-body">
<header class="ad-top">
  <a class="ad-brand" href="/admin/">图采 · 管理后台</a>
  <?cs if:User.Name ?>
  <nav class="ad-nav">
    <a href="/admin/"<?cs if:Page.Nav == "dash" ?> class="is-on"<?cs /if ?>>总览</a>
    <?cs if:User.CanStudents ?><a href="/admin/students"<?cs if:Page.Nav == "students" ?> class="is-on"<?cs /if ?>>学生查询</a><?cs /if ?>
    <?cs if:User.CanSite ?><a href="/admin/site"<?cs if:Page.Nav == "site" ?> class="is-on"<?cs /if ?>>现场采集</a><?cs /if ?>
    <?cs if:User.CanExport ?><a href="/admin/reports"<?cs if:Page.Nav == "reports" ?> class="is-on"<?cs /if ?>>学生反馈</a><?cs /if ?>
    <?cs if:User.CanAudit ?><a href="/admin/audit"<?cs if:Page.Nav == "audit" ?> class="is-on"<?cs /if ?>>审计日志</a><?cs /if ?>
    <?cs if:User.IsOperator ?><a href="/admin/reconcile"<?cs if:Page.Nav == "reconcile" ?> class="is-on"<?cs /if ?>>对账</a><?cs /if ?>
    <?cs if:User.IsOperator ?><a href="/admin/users"<?cs if:Page.Nav == "users" ?> class="is-on"<?cs /if ?>>用户管理</a><?cs /if ?>
  </nav>
  <form class="ad-logout" method="post" action="/admin/logout">
    <span class="ad-who"><?cs var:User.Name ?> · <?cs var:User.RoleName ?><?cs if:User.School ?> · <?cs var:User.School ?><?cs /if ?></span>
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <button type="submit" class="ad-btn ad-btn--ghost">退出</button>
  </form>
  <?cs /if ?>
</header>
<main class="ad-main">
<?cs if:Page.Error ?><div class="ad-alert ad-alert--error" role="alert"><?cs var:Page.Error ?></div><?cs /if ?>
<?cs if:Page.Notice ?><div class="ad-alert ad-alert--ok" role="status"><?cs var:Page.Notice ?></div><?cs /if ?>
