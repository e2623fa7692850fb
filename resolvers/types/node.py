import strawberry


@strawberry.interface(name="Node", description="Relay global object identification")
class Node:
    id: strawberry.ID
