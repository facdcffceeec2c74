import graphene

from accounts.graphql.types import UserType
from houston.permissions import current_user


class AccountQueries(graphene.ObjectType):
    me = graphene.Field(
        graphene.NonNull(UserType),
        description="The signed-in user. Works before the address is confirmed.",
    )

    @staticmethod
    def resolve_me(root, info):
        return current_user(info, allow_unconfirmed=True)
