</main>
<footer class="bk-footer">沙箱环境，仅供测试，不产生真实交易</footer>
</body>
</html>
