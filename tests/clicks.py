"""Two clicks that arrive at the same moment: each client's request in its own thread, released
together by a barrier, as a double tap on a slow connection sends them."""

import threading

from django.db import connection


def at_once(clients, send) -> list:
    """send(client) for every client at once; returns their answers (in the order they came back).
    Any error of either request fails the test with that error."""
    barrier, answers, errors = threading.Barrier(len(clients)), [], []

    def click(client):
        try:
            barrier.wait(timeout=10)
            answers.append(send(client))
        except Exception as error:  # noqa: BLE001 - re-raised in the test's thread below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    if errors:
        raise errors[0]
    return answers
