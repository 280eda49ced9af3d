<?cs # A horizontal bar chart from chart.c's data: label, bar (SVG), numbers.
     Every text goes through var: (escaped). ?>
<?cs def:bar_chart(c, title) ?>
<table class="ad-chart" aria-label="<?cs var:title ?>">
<?cs each:b = c.bars ?>
<tr>
  <th scope="row" class="ad-chart__label"><?cs var:b.label ?></th>
  <td class="ad-chart__bar"><svg width="<?cs var:c.width ?>" height="16" viewBox="0 0 <?cs var:c.width ?> 16" aria-hidden="true"><?cs if:b.total ?><rect class="ad-chart__total" x="0" y="0" width="<?cs var:b.tw ?>" height="16"/><?cs /if ?><rect class="ad-chart__value<?cs if:b.kind ?> is-<?cs var:b.kind ?><?cs elif:b.total && #b.pct < #50 ?> is-low<?cs /if ?>" x="0" y="0" width="<?cs var:b.w ?>" height="16"/></svg></td>
  <td class="ad-chart__num"><?cs var:b.value ?><?cs if:b.total ?> / <?cs var:b.total ?> · <?cs var:b.pct ?>%<?cs /if ?></td>
</tr>
<?cs /each ?>
</table>
<?cs /def ?>
