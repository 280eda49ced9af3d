</main>
<footer class="ad-foot">图采 tucai · 高校学生图像采集 · 时间均为北京时间</footer>
</body>
</html>
