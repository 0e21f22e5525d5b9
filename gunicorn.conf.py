"""gunicorn settings read from the working directory: each worker warms search as it boots."""


def post_worker_init(worker):
    # After the application is loaded and before the worker accepts a request.
    from articles.search.warm import warm_up

    seconds = warm_up()
    worker.log.info("search warmed up in %.2f s", seconds)
