<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>沙箱银行账簿</title>
<link rel="stylesheet" href="/static/css/bank.css">
</head>
<body class="bk-ledger">
<h1>沙箱银行账簿</h1>
<p>预授权（冻结）、扣款、解冻记录，供对账使用。时间为北京时间。</p>
<h2>预授权订单</h2>
<table>
<thead><tr><th>订单号</th><th>卡号后四位</th><th>金额（元）</th><th>状态</th><th>原因</th><th>创建时间</th><th>待重发通知</th></tr></thead>
<tbody>
<?cs each:h = Holds ?>
<tr class="bk-state-<?cs var:h.state ?>"><td><code><?cs var:h.order_ref ?></code></td><td><?cs var:h.card ?></td><td class="num"><?cs var:h.yuan ?></td><td><?cs var:h.state ?></td><td><?cs var:h.reason ?></td><td><?cs var:h.created ?></td><td class="num"><?cs var:h.undelivered ?></td></tr>
<?cs /each ?>
</tbody>
</table>
<h2>流水</h2>
<table>
<thead><tr><th>#</th><th>订单号</th><th>类型</th><th>金额（元）</th><th>时间</th></tr></thead>
<tbody>
<?cs each:l = Ledger ?>
<tr><td class="num"><?cs var:l.id ?></td><td><code><?cs var:l.order_ref ?></code></td><td><?cs var:l.kind ?></td><td class="num"><?cs var:l.yuan ?></td><td><?cs var:l.at ?></td></tr>
<?cs /each ?>
</tbody>
</table>
</body>
</html>
