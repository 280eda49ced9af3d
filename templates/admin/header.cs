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
    <a href="/admin/">总览</a>
    <?cs if:User.CanSite ?><a href="/admin/site">现场采集</a><?cs /if ?>
    <?cs if:User.CanStudents ?><a href="/admin/students">学生</a><?cs /if ?>
    <?cs if:User.CanAudit ?><a href="/admin/audit">审计日志</a><?cs /if ?>
    <?cs if:User.IsOperator ?><a href="/admin/users">用户</a><?cs /if ?>
  </nav>
  <form class="ad-logout" method="post" action="/admin/logout">
    <span><?cs var:User.Name ?>（<?cs var:User.RoleName ?>）</span>
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <button type="submit">退出</button>
  </form>
  <?cs /if ?>
</header>
<main class="ad-main">
<?cs if:Page.Error ?><div class="ad-alert ad-alert--error" role="alert"><?cs var:Page.Error ?></div><?cs /if ?>
<?cs if:Page.Notice ?><div class="ad-alert ad-alert--ok" role="status"><?cs var:Page.Notice ?></div><?cs /if ?>
